import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listBacktests } from "../../../backtest/service/backtest-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { NextCursorSchema } from "../orders/schemas.js";
import { BacktestSchema, jobListQuerySchema } from "./schemas.js";
import { backtestView } from "./views.js";

const QuerySchema = jobListQuerySchema("Backtests of this strategy (its configuration or its replay).");

const BacktestPageSchema = z.object({ data: z.array(BacktestSchema), nextCursor: NextCursorSchema }).openapi("BacktestPage");

const route = createRoute({
  method: "get",
  path: "/v1/backtests",
  tags: ["backtests"],
  operationId: "listBacktests",
  summary: "List backtests",
  description: "Every backtest, newest first, with cursor pagination; from every gateway instance on the database.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { query: QuerySchema },
  responses: {
    200: { description: "A page of backtests.", content: { "application/json": { schema: BacktestPageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED"),
  },
});

export function registerListBacktests(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const page = await listBacktests({ ctx: c.get("services").backtests, input: c.req.valid("query") });
    return c.json(BacktestPageSchema.parse({ data: page.rows.map(backtestView), nextCursor: page.nextCursor }), 200);
  });
}
