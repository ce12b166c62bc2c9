import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { errorResponses, publicSecurity } from "../../openapi.js";

const route = createRoute({
  method: "get",
  path: "/docs",
  tags: ["docs"],
  operationId: "getApiReference",
  summary: "Interactive API reference",
  description: "Swagger UI over /openapi.json, served from this gateway (no CDN).",
  security: publicSecurity,
  responses: {
    200: { description: "An HTML page.", content: { "text/html": { schema: z.string() } } },
    ...errorResponses("PAYLOAD_TOO_LARGE"),
  },
});

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>signal-gateway API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", persistAuthorization: false });\n`;

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const swaggerDir = () => dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const cache = new Map<string, string>();

function asset(name: string): string {
  let body = cache.get(name);
  if (body === undefined) {
    body = readFileSync(join(swaggerDir(), name), "utf8");
    cache.set(name, body);
  }
  return body;
}

export function registerDocsPage(app: OpenAPIHono) {
  app.openapi(route, (c) => c.html(PAGE, 200));
  // Static assets of the page: not API operations, so they stay out of the document.
  app.get("/docs/assets/init.js", (c) => c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" }));
  app.get("/docs/assets/:name{[a-z-]+\\.(css|js)}", (c) => {
    const name = c.req.param("name");
    const type = ASSETS[name];
    if (!type) return c.notFound();
    return c.body(asset(name), 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
}
