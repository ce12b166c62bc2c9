import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { cancelBacktest } from "../../../backtest/service/backtest-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { BacktestIdParamSchema, BacktestSchema } from "./schemas.js";
import { backtestView } from "./views.js";

const route = createRoute({
  method: "post",
  path: "/v1/backtests/{id}/cancel",
  tags: ["backtests"],
  operationId: "cancelBacktest",
  summary: "Cancel a backtest",
  description:
    "Needs the `write` scope. A queued backtest is cancelled at once and never starts. A running one is asked to stop " +
    "(`cancelRequested`) and ends `cancelled` within moments; its results are dropped even if it was about to finish. " +
    "A finished backtest is a 409.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { params: BacktestIdParamSchema },
  responses: {
    202: { description: "Cancelled, or asked to stop.", content: { "application/json": { schema: BacktestSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT"),
  },
});

export function registerCancelBacktest(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const row = await cancelBacktest({ ctx: c.get("services").backtests, input: c.req.valid("param") });
    return c.json(BacktestSchema.parse(backtestView(row)), 202);
  });
}
