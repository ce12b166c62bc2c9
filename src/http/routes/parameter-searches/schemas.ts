import { z } from "@hono/zod-openapi";
import { SEARCH_METHODS, SearchOptionsSchema } from "../../../backtest/research/search-parameters.js";
import { PARAMETER_SEARCH_ERROR_CODES } from "../../../backtest/service/parameter-search-spec.js";
import {
  BacktestStrategySchema,
  jobEndShape,
  jobHeadShape,
  jobIdParamSchema,
  runRequestEchoShape,
  SubmitBacktestBodySchema,
} from "../backtests/schemas.js";
import { FitnessSchema, SearchResultSchema } from "./result-schemas.js";

// A search varies a built-in's params: a replay has none, so the backtest body's replay goes and its strategy is required.
const { replay: _replay, strategy: _strategy, ...backtestShape } = SubmitBacktestBodySchema.shape;
const options = SearchOptionsSchema.shape;

const OPTION_KEYS = ["space", "method", "samples", "seed", "split", "fitness", "topN", "maxCandidates"] as const;

export const SubmitParameterSearchBodySchema = z
  .object({
    ...backtestShape,
    strategy: BacktestStrategySchema,
    space: options.space.openapi({
      description:
        "Param name → a list of values to try, or `{ min, max, step? }` (step defaults to 1 for whole numbers, required by a grid " +
        "for others). Params it does not name keep `strategy`'s value. Checked against the strategy type.",
      example: { fast: { min: 5, max: 15, step: 5 }, slow: [20, 30] },
    }),
    method: options.method.openapi({ description: "`grid`: every combination. `random`: `samples` distinct draws, seeded." }),
    samples: options.samples.openapi({ description: "Random only: distinct valid candidates to draw (default 50, at most maxCandidates)." }),
    seed: options.seed.openapi({ description: "Random only: the same seed draws the same candidates." }),
    split: options.split.openapi({ description: "The share of the range's time, from its first candle, the candidates are ranked on (in-sample); the rest is out-of-sample." }),
    fitness: options.fitness.openapi({ description: "w_pf × min(PF, cap) / cap + w_wr × winRate − w_dd × maxDrawdown; null below minTrades trades." }),
    topN: options.topN.openapi({ description: "How many of the best in-sample candidates run again out of sample." }),
    maxCandidates: options.maxCandidates.openapi({ description: "The most combinations a grid may span (1 to 5000)." }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.from >= body.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
    // The options' own cross-field rules (samples on a grid, samples over maxCandidates), from their one definition.
    const parsed = SearchOptionsSchema.safeParse(Object.fromEntries(OPTION_KEYS.flatMap((k) => (body[k] === undefined ? [] : [[k, body[k]]]))));
    for (const issue of parsed.success ? [] : parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  })
  .openapi("SubmitParameterSearchRequest");

export const SearchProgressSchema = z
  .object({
    phase: z.enum(["in_sample", "out_of_sample"]).nullable().openapi({ description: "Null until the candles are loaded." }),
    done: z.number().int(),
    total: z.number().int().openapi({ description: "Candidates in sample; then the top N run out of sample." }),
  })
  .openapi("ParameterSearchProgress", { description: "Written about once a second while the search runs." });

const ParameterSearchRequestEchoSchema = z
  .object({
    strategyId: z.string().nullable(),
    strategy: BacktestStrategySchema,
    ...runRequestEchoShape,
    space: z.record(z.string(), z.unknown()),
    method: z.enum(SEARCH_METHODS),
    samples: z.number().int().nullable().openapi({ description: "The random search's sample count; null for a grid." }),
    seed: z.number().int(),
    split: z.object({ inSampleFraction: z.number() }),
    fitness: FitnessSchema,
    topN: z.number().int(),
    maxCandidates: z.number().int(),
  })
  .openapi("ParameterSearchRequest", { description: "The submission as validated, every default resolved." });

export const ParameterSearchSummarySchema = z
  .object({
    ...jobHeadShape("ps_V1StGXR8Z5jdHi6B"),
    candidates: z.number().int().openapi({ description: "Valid candidates the space gave: each runs in sample." }),
    progress: SearchProgressSchema,
    request: ParameterSearchRequestEchoSchema,
    rankingHash: z.string().nullable().openapi({ description: "sha256 of the ranking: the same inputs and seed give the same hash." }),
    ...jobEndShape(PARAMETER_SEARCH_ERROR_CODES),
  })
  .openapi("ParameterSearchSummary", { description: "A parameter search without its result, as listed." });

export const ParameterSearchSchema = ParameterSearchSummarySchema.extend({
  result: SearchResultSchema.nullable().openapi({ description: "Once it has succeeded: the ranking and what it was computed on." }),
}).openapi("ParameterSearch");

export const ParameterSearchIdParamSchema = jobIdParamSchema("ps_V1StGXR8Z5jdHi6B");
