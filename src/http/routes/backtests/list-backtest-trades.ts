import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listBacktestTrades } from "../../../backtest/service/backtest-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { NextCursorSchema } from "../orders/schemas.js";
import { BacktestIdParamSchema, BacktestTradeSchema } from "./schemas.js";
import { backtestTradeView } from "./views.js";

const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional().openapi({ description: "`nextCursor` of the previous page." }),
});

const BacktestTradePageSchema = z
  .object({
    data: z.array(BacktestTradeSchema),
    nextCursor: NextCursorSchema.openapi({ description: "Pass as `cursor` for the next (later) page; null at the end." }),
  })
  .openapi("BacktestTradePage");

const route = createRoute({
  method: "get",
  path: "/v1/backtests/{id}/trades",
  tags: ["backtests"],
  operationId: "listBacktestTrades",
  summary: "List a backtest's trades",
  description: "Round trips in the order the backtest closed them, with cursor pagination. Exact decimals, as strings. 409 until it has succeeded.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: BacktestIdParamSchema, query: QuerySchema },
  responses: {
    200: { description: "A page of trades.", content: { "application/json": { schema: BacktestTradePageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT"),
  },
});

export function registerListBacktestTrades(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const input = { ...c.req.valid("param"), ...c.req.valid("query") };
    const page = await listBacktestTrades({ ctx: c.get("services").backtests, input });
    return c.json(BacktestTradePageSchema.parse({ data: page.rows.map(backtestTradeView), nextCursor: page.nextCursor }), 200);
  });
}
