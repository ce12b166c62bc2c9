import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { BacktestRequest } from "../../../backtest/service/backtest-spec.js";
import { submitBacktest } from "../../../backtest/service/submit-backtest.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { BacktestSchema, SubmitBacktestBodySchema } from "./schemas.js";
import { backtestView } from "./views.js";

const route = createRoute({
  method: "post",
  path: "/v1/backtests",
  tags: ["backtests"],
  operationId: "submitBacktest",
  summary: "Submit a backtest",
  description:
    "Needs the `write` scope. Queues a backtest of a built-in strategy (or, with `replay`, of a strategy's recorded " +
    "signals) over stored candles, on the paper venue's market rules whatever the strategy's mode. It runs off the " +
    "request path, in a worker thread; poll `Location` for its status and progress. Every field error is reported " +
    "at once (400); then an unknown `strategyId` (404), a symbol without market rules (422 UNKNOWN_MARKET) and a " +
    "symbol without candles in the range (422 CANDLES_MISSING).",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { body: { required: true, content: { "application/json": { schema: SubmitBacktestBodySchema } } } },
  responses: {
    202: {
      description: "Queued.",
      headers: z.object({ Location: z.string().openapi({ description: "The backtest: /v1/backtests/{id}.", example: "/v1/backtests/bt_V1StGXR8Z5jdHi6B" }) }),
      content: { "application/json": { schema: BacktestSchema } },
    },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "NOT_FOUND", "UNKNOWN_MARKET", "CANDLES_MISSING"),
  },
});

export function registerSubmitBacktest(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const input = c.req.valid("json") as BacktestRequest;
    const row = await submitBacktest({ ctx: c.get("services").backtests, input });
    return c.json(BacktestSchema.parse(backtestView(row)), 202, { Location: `/v1/backtests/${row.id}` });
  });
}
