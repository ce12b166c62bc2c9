import { insertParameterSearch } from "../../db/repositories/parameter-searches-repository.js";
import { candleTimeBounds } from "../../db/repositories/research-inputs-repository.js";
import { findStrategyById } from "../../db/repositories/strategies-repository.js";
import type { ParameterSearchRow } from "../../db/schema/parameter-searches.js";
import { DEFAULT_STRATEGY_CONFIG } from "../../domain/strategy-config.js";
import { ApiError } from "../../http/errors.js";
import { configOf } from "../../strategy/strategy-service.js";
import type { ResearchInputError } from "../research/research-error.js";
import { splitRange } from "../research/split-range.js";
import type { CandleSeries } from "../types.js";
import { paperMarketsOf, checkCandlesIn } from "./backtest-checks.js";
import { defaultFees, limitErrors, resolveConfig, storedRequest, storedSpec } from "./backtest-spec.js";
import type { BacktestContext } from "./context.js";
import { queueJob } from "./job-service.js";
import {
  candleRunErrors,
  checkCandidates,
  samplesOf,
  type CandidateCheck,
  type ParameterSearchRequest,
  type StoredSearchRequest,
} from "./parameter-search-spec.js";

/**
 * Validates a search as submitBacktest validates a backtest, plus its space, its candidates and its
 * split, then stores it and queues its job in one transaction. Errors come in this order: 400 (every
 * field at once: the backtest's fields and limits, the space against the strategy, the candle-run
 * cap), 404 strategy, 422 TOO_MANY_CANDIDATES or NO_VALID_CANDIDATES, 422 UNKNOWN_MARKET, 422
 * CANDLES_MISSING, 422 SPLIT_EMPTY.
 */
export async function submitParameterSearch({ ctx, input }: { ctx: BacktestContext; input: ParameterSearchRequest }): Promise<ParameterSearchRow> {
  const strategy = input.strategyId ? await findStrategyById(ctx.db, input.strategyId) : undefined;
  const config = resolveConfig(strategy ? configOf(strategy) : DEFAULT_STRATEGY_CONFIG, input.config);
  const candidates = checkCandidates(input.strategy, input);
  const invalid = [
    ...limitErrors({ ...input, replay: false }, ctx.limits),
    ...(config.ok ? [] : config.errors),
    ...(candidates.kind === "invalid" ? candidates.errors : []),
    ...(candidates.kind === "ok" ? candleRunErrors(input, candidates.set.candidates.length, ctx.limits.maxCandleRuns) : []),
  ];
  if (!config.ok || invalid.length > 0) throw new ApiError("VALIDATION_FAILED", "the parameter search request is invalid", { errors: invalid });
  if (input.strategyId && !strategy) throw new ApiError("NOT_FOUND", `no strategy with id ${input.strategyId}`);
  if (candidates.kind !== "ok") throw refusal(candidates);
  const markets = paperMarketsOf(input.symbols);
  await checkCandlesIn(ctx.db, input);
  await checkSplit(ctx, input);

  const base = storedRequest({ ...input, replay: false }, {
    fees: input.fees ?? defaultFees(markets),
    timeoutSeconds: input.timeoutSeconds ?? ctx.limits.timeoutSeconds,
  });
  const { replay: _replay, ...backtestPart } = base;
  const request: StoredSearchRequest = {
    ...backtestPart,
    strategy: input.strategy,
    space: input.space,
    method: input.method,
    samples: samplesOf(input),
    seed: input.seed,
    split: input.split,
    fitness: input.fitness,
    topN: input.topN,
    maxCandidates: input.maxCandidates,
  };
  const id = ctx.ids.next("ps");
  return queueJob(
    ctx,
    (tx) =>
      insertParameterSearch(tx, {
        id,
        status: "queued",
        strategyId: strategy?.id ?? null,
        request,
        spec: storedSpec(base, config.config),
        candidates: candidates.set.candidates.length,
        timeoutSeconds: request.timeoutSeconds,
        createdAt: ctx.clock.now(),
      }),
    (tx) => ctx.jobs.searches.enqueue(tx, id),
  );
}

function refusal(check: Exclude<CandidateCheck, { kind: "ok" }>): ApiError {
  // An invalid space was reported with the other field errors; this only keeps the types honest.
  if (check.kind === "invalid") return new ApiError("VALIDATION_FAILED", "the parameter space is invalid", { errors: check.errors });
  const { error } = check;
  const code = error.code === "TOO_MANY_CANDIDATES" ? "TOO_MANY_CANDIDATES" : "NO_VALID_CANDIDATES";
  return new ApiError(code, error.message, { errors: error.issues.map((i) => ({ path: i.path, message: i.message })) });
}

/**
 * The split's cut and whether a side is empty depend only on the first and last candle in the range
 * (see splitRange), so those two, as a series of two candles, answer what the run would find.
 */
async function checkSplit(ctx: BacktestContext, input: ParameterSearchRequest): Promise<void> {
  const bounds = await candleTimeBounds(ctx.db, { ...input, from: new Date(input.from), to: new Date(input.to) });
  if (!bounds) return; // checkCandlesIn has already refused a range without candles
  const time = Float64Array.of(bounds.first.getTime(), bounds.last.getTime());
  const ends: CandleSeries = { symbol: input.symbols[0] as string, time, open: time, high: time, low: time, close: time, volume: time };
  try {
    splitRange(input, [ends], input.split.inSampleFraction);
  } catch (err) {
    const error = err as ResearchInputError;
    if (error.name !== "ResearchInputError") throw err;
    throw new ApiError("SPLIT_EMPTY", error.message, { errors: error.issues.map((i) => ({ path: i.path, message: i.message })) });
  }
}
