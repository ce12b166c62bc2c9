import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerListAccounts } from "./list-accounts.js";

export function registerAccountRoutes(app: OpenAPIHono) {
  registerListAccounts(app);
}
