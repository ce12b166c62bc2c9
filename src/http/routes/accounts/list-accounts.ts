import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listAccounts } from "../../../trading/account-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { AccountSchema } from "./schemas.js";
import { accountView } from "./views.js";

const AccountListSchema = z.object({ data: z.array(AccountSchema) }).openapi("AccountList");

const route = createRoute({
  method: "get",
  path: "/v1/accounts",
  tags: ["accounts"],
  operationId: "listAccounts",
  summary: "List accounts with balances and equity",
  description: "Every account, by id: cash, fees, equity at the last prices, realized and unrealized PnL, and venue health.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  responses: {
    200: { description: "All accounts.", content: { "application/json": { schema: AccountListSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS),
  },
});

export function registerListAccounts(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const accounts = await listAccounts({ ctx: c.get("services").trading });
    return c.json(AccountListSchema.parse({ data: accounts.map(accountView) }), 200);
  });
}
