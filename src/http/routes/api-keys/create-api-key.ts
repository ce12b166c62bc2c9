import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { createApiKey } from "../../../auth/api-keys.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { CreateApiKeyBodySchema, CreatedApiKeySchema } from "./schemas.js";

const route = createRoute({
  method: "post",
  path: "/v1/api-keys",
  tags: ["api-keys"],
  operationId: "createApiKey",
  summary: "Create an API key",
  description: "Needs the `admin` scope. The key is returned once; only its SHA-256 digest is stored.",
  security: bearerSecurity,
  middleware: [requireScope("admin")] as const,
  request: { body: { required: true, content: { "application/json": { schema: CreateApiKeyBodySchema } } } },
  responses: {
    201: { description: "Created.", content: { "application/json": { schema: CreatedApiKeySchema } } },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS),
  },
});

export function registerCreateApiKey(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const created = await createApiKey({ ctx: c.get("services").auth, input: c.req.valid("json") });
    return c.json(CreatedApiKeySchema.parse(created), 201);
  });
}
