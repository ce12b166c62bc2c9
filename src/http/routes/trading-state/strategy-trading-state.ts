import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getTradingState } from "../../../risk/trading-state-store.js";
import { setTradingState } from "../../../trading/set-trading-state.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { StrategyIdParamSchema } from "../strategies/schemas.js";
import { SetTradingStateBodySchema, SetTradingStateResultSchema, TradingStateSchema } from "./schemas.js";

const read = createRoute({
  method: "get",
  path: "/v1/strategies/{id}/trading-state",
  tags: ["trading-state"],
  operationId: "getStrategyTradingState",
  summary: "Read a strategy's trading state",
  description: "The strategy's own state; the global state applies on top of it.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: StrategyIdParamSchema },
  responses: {
    200: { description: "The strategy's state; ACTIVE when never set.", content: { "application/json": { schema: TradingStateSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

const write = createRoute({
  method: "put",
  path: "/v1/strategies/{id}/trading-state",
  tags: ["trading-state"],
  operationId: "setStrategyTradingState",
  summary: "Set a strategy's trading state",
  description:
    "Needs the `admin` scope. Stored and survives a restart; only this call returns it to ACTIVE. HALTED cancels the " +
    "strategy's working orders; with `flatten: true` the strategy's open positions are closed first, as for the global " +
    "state (the global state still binds those closes).",
  security: bearerSecurity,
  middleware: [requireScope("admin")] as const,
  request: {
    params: StrategyIdParamSchema,
    body: { required: true, content: { "application/json": { schema: SetTradingStateBodySchema } } },
  },
  responses: {
    200: {
      description: "The state now in force for the strategy, and what the flatten did.",
      content: { "application/json": { schema: SetTradingStateResultSchema } },
    },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "NOT_FOUND"),
  },
});

export function registerStrategyTradingState(app: OpenAPIHono) {
  app.openapi(read, async (c) => {
    const state = await getTradingState({
      ctx: c.get("services").tradingStates,
      input: { scope: "strategy", strategyId: c.req.valid("param").id },
    });
    return c.json(state, 200);
  });
  app.openapi(write, async (c) => {
    const body = c.req.valid("json");
    const saved = await setTradingState({
      ctx: c.get("services").trading,
      input: {
        target: { scope: "strategy", strategyId: c.req.valid("param").id },
        state: body.state,
        reason: body.reason,
        actor: c.get("principal").keyId,
        flatten: body.flatten,
      },
    });
    return c.json(SetTradingStateResultSchema.parse(saved), 200);
  });
}
