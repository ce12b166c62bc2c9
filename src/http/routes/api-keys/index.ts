import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerCreateApiKey } from "./create-api-key.js";
import { registerListApiKeys } from "./list-api-keys.js";
import { registerRevokeApiKey } from "./revoke-api-key.js";

export function registerApiKeyRoutes(app: OpenAPIHono) {
  registerCreateApiKey(app);
  registerListApiKeys(app);
  registerRevokeApiKey(app);
}
