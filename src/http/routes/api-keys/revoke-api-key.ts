import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { revokeApiKey } from "../../../auth/api-keys.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { ApiKeyIdParamSchema, ApiKeySchema } from "./schemas.js";

const route = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  tags: ["api-keys"],
  operationId: "revokeApiKey",
  summary: "Revoke an API key",
  description:
    "Needs the `admin` scope. The key stops working at once and stays listed with `revokedAt`. " +
    "Revoking an already revoked key returns it unchanged; a key cannot revoke itself (409).",
  security: bearerSecurity,
  middleware: [requireScope("admin")] as const,
  request: { params: ApiKeyIdParamSchema },
  responses: {
    200: { description: "The revoked key.", content: { "application/json": { schema: ApiKeySchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT"),
  },
});

export function registerRevokeApiKey(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const revoked = await revokeApiKey({
      ctx: c.get("services").auth,
      input: { id: c.req.valid("param").id, actor: c.get("principal") },
    });
    return c.json(ApiKeySchema.parse(revoked), 200);
  });
}
