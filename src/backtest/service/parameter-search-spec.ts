import type { FieldError } from "../../http/errors.js";
import type { BuiltinStrategySpec } from "../../strategy/builtin/registry.js";
import { gridCandidates, randomCandidates, type CandidateSet } from "../research/candidates.js";
import { parseParameterSpace } from "../research/parameter-space.js";
import { RESEARCH_ERROR_CODES, ResearchInputError } from "../research/research-error.js";
import { DEFAULT_SAMPLES, type SearchOptions, type SearchOptionsInput } from "../research/search-parameters.js";
import type { BacktestRequest, StoredRequest } from "./backtest-spec.js";
import { BACKTEST_ERROR_CODES } from "./backtest-status.js";
import { maxBarsIn } from "./backtest-spec.js";

/**
 * Why a search failed: a backtest's reasons, or a research refusal that only showed once it ran
 * (SPLIT_EMPTY when candles were removed after it was queued).
 */
export const PARAMETER_SEARCH_ERROR_CODES = [...BACKTEST_ERROR_CODES, ...RESEARCH_ERROR_CODES] as const;
export type ParameterSearchErrorCode = (typeof PARAMETER_SEARCH_ERROR_CODES)[number];

/** A submission after schema validation: a backtest request of a built-in strategy, plus the search options. */
export type ParameterSearchRequest = Omit<BacktestRequest, "replay" | "strategy"> & { strategy: BuiltinStrategySpec } & SearchOptions;

/** What is stored as `request` and echoed back: every default resolved, `samples` null for a grid. */
export type StoredSearchRequest = Omit<StoredRequest, "replay" | "strategy"> & { strategy: BuiltinStrategySpec } & Omit<SearchOptions, "samples"> & {
  samples: number | null;
};

export function searchOptionsOf(request: StoredSearchRequest): SearchOptionsInput {
  const { space, method, samples, seed, split, fitness, topN, maxCandidates } = request;
  return { space, method, seed, split, fitness, topN, maxCandidates, ...(samples !== null ? { samples } : {}) };
}

/** A random search's sample count as searchParameters resolves it. */
export function samplesOf(options: Pick<SearchOptions, "method" | "samples" | "maxCandidates">): number | null {
  return options.method === "random" ? (options.samples ?? Math.min(DEFAULT_SAMPLES, options.maxCandidates)) : null;
}

export type CandidateCheck =
  | { readonly kind: "ok"; readonly set: CandidateSet }
  /** The space does not fit the strategy: field errors for the 400. */
  | { readonly kind: "invalid"; readonly errors: FieldError[] }
  /** TOO_MANY_CANDIDATES or NO_VALID_CANDIDATES: a 422 once every field is valid. */
  | { readonly kind: "refused"; readonly error: ResearchInputError };

/**
 * The candidates the search will run, generated exactly as searchParameters generates them (the
 * same functions, the same seed), so the counts checked here are the counts that run.
 */
export function checkCandidates(strategy: BuiltinStrategySpec, options: SearchOptions): CandidateCheck {
  try {
    const space = parseParameterSpace(strategy.type, options.space);
    const set =
      options.method === "grid"
        ? gridCandidates(strategy, space, options.maxCandidates)
        : randomCandidates(strategy, space, samplesOf(options) as number, options.seed);
    if (set.candidates.length > 0) return { kind: "ok", set };
    const issues = Object.entries(set.invalidReasons).map(([message, count]) => ({ path: "space", message: `${count} × ${message}` }));
    return { kind: "refused", error: new ResearchInputError("NO_VALID_CANDIDATES", `no combination of the space passes the ${strategy.type} params schema`, issues) };
  } catch (err) {
    if (!(err instanceof ResearchInputError)) throw err;
    if (err.code === "TOO_MANY_CANDIDATES") return { kind: "refused", error: err };
    return { kind: "invalid", errors: err.issues.map((i) => ({ path: i.path, message: i.message })) };
  }
}

/** The work cap: every candidate runs over (at most) every candle of the range, in sample or out of it. */
export function candleRunErrors(request: Pick<BacktestRequest, "timeframe" | "from" | "to" | "symbols">, candidates: number, maxCandleRuns: number): FieldError[] {
  const candles = maxBarsIn(request.timeframe, request.from, request.to) * request.symbols.length;
  const runs = candles * candidates;
  if (runs <= maxCandleRuns) return [];
  return [
    {
      path: "space",
      message: `${candidates} candidates over up to ${candles} candles are ${runs} candle runs; at most ${maxCandleRuns} (RESEARCH_MAX_CANDLE_RUNS): narrow the space, draw fewer samples or shorten the range`,
    },
  ];
}
