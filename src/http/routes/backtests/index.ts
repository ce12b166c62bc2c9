import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerCancelBacktest } from "./cancel-backtest.js";
import { registerGetBacktestEquity } from "./get-backtest-equity.js";
import { registerGetBacktestMonteCarlo } from "./get-backtest-monte-carlo.js";
import { registerGetBacktestReport } from "./get-backtest-report.js";
import { registerGetBacktest } from "./get-backtest.js";
import { registerListBacktestTrades } from "./list-backtest-trades.js";
import { registerListBacktests } from "./list-backtests.js";
import { registerSubmitBacktest } from "./submit-backtest.js";

export function registerBacktestRoutes(app: OpenAPIHono) {
  registerSubmitBacktest(app);
  registerListBacktests(app);
  registerGetBacktest(app);
  registerCancelBacktest(app);
  registerListBacktestTrades(app);
  registerGetBacktestEquity(app);
  registerGetBacktestReport(app);
  registerGetBacktestMonteCarlo(app);
}
