import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { getBacktestEquity } from "../../../backtest/service/backtest-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { BacktestIdParamSchema } from "./schemas.js";

const BacktestEquitySchema = z
  .object({
    time: z.array(z.number().int()).openapi({ description: "Bar times, ms since the epoch, ascending." }),
    equity: z.array(z.number()).openapi({ description: "The account's equity at each of those times, in the quote currency." }),
  })
  .openapi("BacktestEquity", {
    description:
      "The equity curve, stored downsampled to at most 2000 points: the first and last bar, and each slice of time's lowest and highest point.",
  });

const route = createRoute({
  method: "get",
  path: "/v1/backtests/{id}/equity",
  tags: ["backtests"],
  operationId: "getBacktestEquity",
  summary: "Read a backtest's equity curve",
  description: "409 until it has succeeded.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: BacktestIdParamSchema },
  responses: {
    200: { description: "The equity curve.", content: { "application/json": { schema: BacktestEquitySchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT"),
  },
});

export function registerGetBacktestEquity(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const curve = await getBacktestEquity({ ctx: c.get("services").backtests, input: c.req.valid("param") });
    return c.json(BacktestEquitySchema.parse(curve), 200);
  });
}
