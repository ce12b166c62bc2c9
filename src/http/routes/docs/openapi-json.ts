import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { errorResponses, publicSecurity } from "../../openapi.js";

const route = createRoute({
  method: "get",
  path: "/openapi.json",
  tags: ["docs"],
  operationId: "getOpenApiDocument",
  summary: "This OpenAPI 3.1 document",
  security: publicSecurity,
  responses: {
    200: {
      description: "The OpenAPI document.",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()).openapi("OpenApiDocument") } },
    },
    ...errorResponses("PAYLOAD_TOO_LARGE"),
  },
});

/** `document` is built lazily from the app's own routes, once. */
export function registerOpenApiJson(app: OpenAPIHono, document: () => Record<string, unknown>) {
  app.openapi(route, (c) => c.json(document(), 200));
}
