import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getBacktest } from "../../../backtest/service/backtest-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { BacktestIdParamSchema, BacktestSchema } from "./schemas.js";
import { backtestView } from "./views.js";

const route = createRoute({
  method: "get",
  path: "/v1/backtests/{id}",
  tags: ["backtests"],
  operationId: "getBacktest",
  summary: "Read a backtest",
  description: "Its status and progress (written about once a second while it runs) and, once it has succeeded, its metrics.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: BacktestIdParamSchema },
  responses: {
    200: { description: "The backtest.", content: { "application/json": { schema: BacktestSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerGetBacktest(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const row = await getBacktest({ ctx: c.get("services").backtests, input: c.req.valid("param") });
    return c.json(BacktestSchema.parse(backtestView(row)), 200);
  });
}
