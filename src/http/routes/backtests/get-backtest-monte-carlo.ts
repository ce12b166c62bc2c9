import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { backtestMonteCarlo, REQUEST_MAX_DRAWS, REQUEST_MAX_ITERATIONS } from "../../../backtest/service/backtest-monte-carlo.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { decimal } from "../orders/schemas.js";
import { BacktestIdParamSchema } from "./schemas.js";

const QuerySchema = z.object({
  iterations: z.coerce
    .number()
    .int()
    .min(1)
    .max(REQUEST_MAX_ITERATIONS)
    .optional()
    .openapi({
      description: `Bootstrap paths, at most ${REQUEST_MAX_ITERATIONS} and at most ${REQUEST_MAX_DRAWS} / trades. Default: 1000, or that bound when it is lower.`,
    }),
  seed: z.coerce.number().int().min(0).max(0xffff_ffff).default(1).openapi({ description: "The same seed gives the same bands." }),
});

const BandSchema = z
  .object({ p5: z.number(), p25: z.number(), p50: z.number(), p75: z.number(), p95: z.number(), mean: z.number() })
  .openapi("MonteCarloBand", { description: "Percentiles over the paths (linear interpolation, as numpy's default) and their mean; fractions." });

const BacktestMonteCarloSchema = z
  .object({
    backtestId: z.string(),
    iterations: z.number().int(),
    seed: z.number().int(),
    trades: z.number().int().openapi({ description: "Trades in the backtest, drawn with replacement for each path." }),
    startingCash: decimal("The backtest's starting cash."),
    totalReturn: BandSchema,
    maxDrawdown: BandSchema.openapi({ description: "Peak-to-trough fall at trade exits, as a positive fraction of the peak." }),
    observed: z
      .object({ totalReturn: z.number(), maxDrawdown: z.number() })
      .openapi({ description: "The same two figures for the trades in the order they closed, to read against the bands." }),
  })
  .openapi("BacktestMonteCarlo", {
    description: "The trade bootstrap: how much of the return and drawdown is the luck of the trades' order and mix (docs/backtest-research.md).",
  });

const route = createRoute({
  method: "get",
  path: "/v1/backtests/{id}/monte-carlo",
  tags: ["backtests"],
  operationId: "getBacktestMonteCarlo",
  summary: "Monte Carlo over a backtest's trades",
  description:
    "Resamples the trades' net PnL with replacement, each path as many trades as the backtest made, and answers the bands " +
    "of total return and max drawdown next to the observed values. Seeded: the same seed gives the same answer. 409 until " +
    "the backtest has succeeded; more iterations than this backtest's trades allow is a 400.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: BacktestIdParamSchema, query: QuerySchema },
  responses: {
    200: { description: "The bands.", content: { "application/json": { schema: BacktestMonteCarloSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT"),
  },
});

export function registerGetBacktestMonteCarlo(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const input = { ...c.req.valid("param"), ...c.req.valid("query") };
    const result = await backtestMonteCarlo({ ctx: c.get("services").backtests, input });
    return c.json(BacktestMonteCarloSchema.parse(result), 200);
  });
}
