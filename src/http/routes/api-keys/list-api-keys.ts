import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listApiKeys } from "../../../auth/api-keys.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { ApiKeySchema } from "./schemas.js";

const ApiKeyListSchema = z.object({ data: z.array(ApiKeySchema) }).openapi("ApiKeyList");

const route = createRoute({
  method: "get",
  path: "/v1/api-keys",
  tags: ["api-keys"],
  operationId: "listApiKeys",
  summary: "List API keys",
  description: "Needs the `admin` scope. Never returns a key or its digest. The API_KEY admin is not listed.",
  security: bearerSecurity,
  middleware: [requireScope("admin")] as const,
  responses: {
    200: { description: "All keys, newest first.", content: { "application/json": { schema: ApiKeyListSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS),
  },
});

export function registerListApiKeys(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const data = await listApiKeys({ ctx: c.get("services").auth });
    return c.json(ApiKeyListSchema.parse({ data }), 200);
  });
}
