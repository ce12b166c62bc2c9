import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerDocsPage } from "./docs-page.js";
import { registerOpenApiJson } from "./openapi-json.js";

export function registerDocsRoutes(app: OpenAPIHono, document: () => Record<string, unknown>) {
  registerOpenApiJson(app, document);
  registerDocsPage(app);
}
