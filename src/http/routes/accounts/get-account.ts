import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getAccount } from "../../../trading/account-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { AccountIdParamSchema, AccountSchema } from "./schemas.js";
import { accountView } from "./views.js";

const route = createRoute({
  method: "get",
  path: "/v1/accounts/{id}",
  tags: ["accounts"],
  operationId: "getAccount",
  summary: "Read one account",
  description: "Cash, fees, equity at the last prices, realized and unrealized PnL, and venue health of one account.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: AccountIdParamSchema },
  responses: {
    200: { description: "The account.", content: { "application/json": { schema: AccountSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerGetAccount(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const account = await getAccount({ ctx: c.get("services").trading, input: c.req.valid("param") });
    return c.json(AccountSchema.parse(accountView(account)), 200);
  });
}
