import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerAccountTradingState } from "./account-trading-state.js";
import { registerGlobalTradingState } from "./global-trading-state.js";
import { registerStrategyTradingState } from "./strategy-trading-state.js";

export function registerTradingStateRoutes(app: OpenAPIHono) {
  registerGlobalTradingState(app);
  registerAccountTradingState(app);
  registerStrategyTradingState(app);
}
