import { z } from "@hono/zod-openapi";
import { SEARCH_METHODS } from "../../../backtest/research/search-parameters.js";
import { BUILTIN_STRATEGY_TYPES } from "../../../strategy/builtin/registry.js";
import { BacktestMetricsSchema } from "../backtests/schemas.js";

/** A finished search's result, as searchParameters returns it (times as ISO 8601). See docs/backtest-research.md. */

export const FitnessSchema = z
  .object({
    weights: z.object({ profitFactor: z.number(), winRate: z.number(), maxDrawdown: z.number() }),
    profitFactorCap: z.number(),
    minTrades: z.number().int(),
  })
  .openapi("SearchFitness", { description: "The fitness options, resolved." });

const RunScoreSchema = z
  .object({
    metrics: BacktestMetricsSchema,
    fitness: z.number().nullable().openapi({ description: "Null with fewer than fitness.minTrades trades." }),
    tradesHash: z.string().openapi({ description: "A backtest of the same params over the same part gives the same hash." }),
  })
  .openapi("SearchRunScore");

const RankedCandidateSchema = z
  .object({
    rank: z.number().int().openapi({ description: "1 is the best in-sample fitness." }),
    key: z.string().openapi({ description: "The params as canonical JSON (keys sorted, defaults filled in): breaks fitness ties." }),
    params: z.record(z.string(), z.unknown()),
    inSample: RunScoreSchema,
    outOfSample: RunScoreSchema.nullable().openapi({ description: "For the top N with a fitness; null for the rest." }),
    fitnessDrop: z.number().nullable().openapi({ description: "In-sample − out-of-sample fitness; null when either is null." }),
    overfit: z.boolean().nullable().openapi({ description: "The drop exceeds max(0.5 × |in-sample fitness|, 0.1); null when not judged." }),
  })
  .openapi("RankedCandidate");

const SplitSideSchema = z.object({
  from: z.iso.datetime().openapi({ description: "Its first candle's open time." }),
  to: z.iso.datetime().openapi({ description: "Its last candle's open time." }),
  candles: z.number().int(),
});

export const SearchResultSchema = z
  .object({
    strategyType: z.enum(BUILTIN_STRATEGY_TYPES),
    method: z.enum(SEARCH_METHODS),
    seed: z.number().int().nullable().openapi({ description: "The random search's seed; null for a grid." }),
    split: z.object({
      cutTime: z.iso.datetime().openapi({ description: "Candles opening before it are in-sample, the others out-of-sample." }),
      inSample: SplitSideSchema,
      outOfSample: SplitSideSchema,
    }),
    fitness: FitnessSchema,
    counts: z.object({
      combinations: z.number().int().openapi({ description: "Combinations the grid spans, or draws the random search made." }),
      run: z.number().int(),
      invalid: z.number().int().openapi({ description: "Combinations the strategy's params schema refused (never run)." }),
      duplicates: z.number().int(),
      tooFewTrades: z.number().int(),
      outOfSample: z.number().int(),
    }),
    invalidReasons: z.record(z.string(), z.number().int()).openapi({ description: "Refused combinations by the schema's message." }),
    ranking: z.array(RankedCandidateSchema).openapi({ description: "Every candidate run, best first." }),
    rankingHash: z.string(),
  })
  .openapi("SearchResult");
