import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerGlobalTradingState } from "./global-trading-state.js";
import { registerStrategyTradingState } from "./strategy-trading-state.js";

export function registerTradingStateRoutes(app: OpenAPIHono) {
  registerGlobalTradingState(app);
  registerStrategyTradingState(app);
}
