import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getTradingState } from "../../../risk/trading-state-store.js";
import { setTradingState } from "../../../trading/set-trading-state.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { SetTradingStateBodySchema, SetTradingStateResultSchema, TradingStateSchema } from "./schemas.js";

const read = createRoute({
  method: "get",
  path: "/v1/trading-state",
  tags: ["trading-state"],
  operationId: "getTradingState",
  summary: "Read the global trading state",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  responses: {
    200: { description: "The global state; ACTIVE when never set.", content: { "application/json": { schema: TradingStateSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS),
  },
});

const write = createRoute({
  method: "put",
  path: "/v1/trading-state",
  tags: ["trading-state"],
  operationId: "setTradingState",
  summary: "Set the global trading state (the kill switch)",
  description:
    "Needs the `admin` scope. The state is stored and survives a restart; only this call returns it to ACTIVE. " +
    "It applies to every strategy on top of the strategy's own state. HALTED cancels every working order. With " +
    "`flatten: true` (HALTED only), every open position is first closed by a reduce-only market order through the " +
    "risk engine, judged by the state in force before this call (so nothing is flattened while already HALTED); a " +
    "close that is denied or fails is listed in `flattened` with its reason and never stops the halt. All of it " +
    "happens under the kill-switch lock: once this call returns, every later order sees the new state.",
  security: bearerSecurity,
  middleware: [requireScope("admin")] as const,
  request: { body: { required: true, content: { "application/json": { schema: SetTradingStateBodySchema } } } },
  responses: {
    200: { description: "The state now in force, and what the flatten did.", content: { "application/json": { schema: SetTradingStateResultSchema } } },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS),
  },
});

export function registerGlobalTradingState(app: OpenAPIHono) {
  app.openapi(read, async (c) => c.json(await getTradingState({ ctx: c.get("services").tradingStates, input: { scope: "global" } }), 200));
  app.openapi(write, async (c) => {
    const body = c.req.valid("json");
    const saved = await setTradingState({
      ctx: c.get("services").trading,
      input: { target: { scope: "global" }, state: body.state, reason: body.reason, actor: c.get("principal").keyId, flatten: body.flatten },
    });
    return c.json(SetTradingStateResultSchema.parse(saved), 200);
  });
}
