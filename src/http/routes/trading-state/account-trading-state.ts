import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getTradingState } from "../../../risk/trading-state-store.js";
import { setTradingState } from "../../../trading/set-trading-state.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { AccountIdParamSchema } from "../accounts/schemas.js";
import { SetTradingStateBodySchema, SetTradingStateResultSchema, TradingStateSchema } from "./schemas.js";

const read = createRoute({
  method: "get",
  path: "/v1/accounts/{id}/trading-state",
  tags: ["trading-state"],
  operationId: "getAccountTradingState",
  summary: "Read an account's trading state",
  description:
    "The account's own state; it binds every strategy trading on the account, and the global state applies on top of it. " +
    "Besides an operator, the risk engine sets it (`changedBy: risk-engine`, past the daily loss limit) and so does the " +
    "live venue (`changedBy: venue`, when the exchange refuses the account's key); neither ever lifts it.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: AccountIdParamSchema },
  responses: {
    200: { description: "The account's state; ACTIVE when never set.", content: { "application/json": { schema: TradingStateSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

const write = createRoute({
  method: "put",
  path: "/v1/accounts/{id}/trading-state",
  tags: ["trading-state"],
  operationId: "setAccountTradingState",
  summary: "Set an account's trading state",
  description:
    "Needs the `admin` scope. Stored and survives a restart; only this call returns the account to ACTIVE, including " +
    "after the risk engine or the venue moved it. HALTED cancels the account's working orders, whichever strategy placed " +
    "them; with `flatten: true` the account's open positions are closed first, as for the global state (the global and " +
    "each strategy's state still bind those closes).",
  security: bearerSecurity,
  middleware: [requireScope("admin")] as const,
  request: {
    params: AccountIdParamSchema,
    body: { required: true, content: { "application/json": { schema: SetTradingStateBodySchema } } },
  },
  responses: {
    200: {
      description: "The state now in force for the account, and what the flatten did.",
      content: { "application/json": { schema: SetTradingStateResultSchema } },
    },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "NOT_FOUND"),
  },
});

export function registerAccountTradingState(app: OpenAPIHono) {
  app.openapi(read, async (c) => {
    const state = await getTradingState({
      ctx: c.get("services").tradingStates,
      input: { scope: "account", accountId: c.req.valid("param").id },
    });
    return c.json(state, 200);
  });
  app.openapi(write, async (c) => {
    const body = c.req.valid("json");
    const saved = await setTradingState({
      ctx: c.get("services").trading,
      input: {
        target: { scope: "account", accountId: c.req.valid("param").id },
        state: body.state,
        reason: body.reason,
        actor: c.get("principal").keyId,
        flatten: body.flatten,
      },
    });
    return c.json(SetTradingStateResultSchema.parse(saved), 200);
  });
}
