import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerCreateAccount } from "./create-account.js";
import { registerGetAccount } from "./get-account.js";
import { registerListAccounts } from "./list-accounts.js";

export function registerAccountRoutes(app: OpenAPIHono) {
  registerListAccounts(app);
  registerCreateAccount(app);
  registerGetAccount(app);
}
