import { dec, plain } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import { StrategyConfigSchema, type StrategyConfig, type StrategyConfigPatch } from "../../domain/strategy-config.js";
import type { FieldError } from "../../http/errors.js";
import { fieldErrors } from "../../http/on-error.js";
import { timeframeMs, type Timeframe } from "../../market-data/timeframes.js";
import type { BuiltinStrategySpec } from "../../strategy/builtin/registry.js";
import type { BacktestSpec, FillModel } from "../types.js";

/** A submission after schema validation: instants in ms, defaults filled in except fees and timeout. */
export type BacktestRequest = {
  strategyId?: string | undefined;
  strategy?: BuiltinStrategySpec | undefined;
  replay: boolean;
  config?: StrategyConfigPatch | undefined;
  symbols: string[];
  timeframe: Timeframe;
  from: number;
  to: number;
  startingCash: string;
  fees?: { makerBps: string; takerBps: string } | undefined;
  slippageBps: string;
  fillModel: FillModel;
  timeoutSeconds?: number | undefined;
};

/** What is stored as `request`: the submission with every default resolved, echoed back to clients. */
export type StoredRequest = Omit<BacktestRequest, "fees" | "timeoutSeconds" | "strategyId" | "strategy" | "config"> & {
  strategyId: string | null;
  strategy: BuiltinStrategySpec | null;
  config: StrategyConfigPatch;
  fees: { makerBps: string; takerBps: string };
  timeoutSeconds: number;
};

/** The BacktestSpec as stored: a replay names its strategy, whose signals are read when the job runs. */
export type StoredSpec = Omit<BacktestSpec, "source"> & {
  readonly source: { readonly kind: "builtin"; readonly spec: BuiltinStrategySpec } | { readonly kind: "replay"; readonly strategyId: string };
};

/** Bars a range can hold at most: candles are aligned and unique, so this bounds what a load reads. */
export function maxBarsIn(timeframe: Timeframe, from: number, to: number): number {
  return Math.floor((to - from) / timeframeMs(timeframe)) + 1;
}

/** Checks that need the configuration, reported together with their field paths. */
export function limitErrors(request: BacktestRequest, limits: { timeoutSeconds: number; maxCandles: number }): FieldError[] {
  const errors: FieldError[] = [];
  if (request.timeoutSeconds !== undefined && request.timeoutSeconds > limits.timeoutSeconds) {
    errors.push({ path: "timeoutSeconds", message: `must be at most ${limits.timeoutSeconds} (BACKTEST_TIMEOUT_SECONDS)` });
  }
  const candles = maxBarsIn(request.timeframe, request.from, request.to) * request.symbols.length;
  if (candles > limits.maxCandles) {
    errors.push({
      path: "to",
      message: `the range spans up to ${candles} candles over ${request.symbols.length} symbol(s); at most ${limits.maxCandles} (BACKTEST_MAX_CANDLES): shorten it or use a longer timeframe`,
    });
  }
  return errors;
}

/**
 * The strategy configuration the backtest trades with: the stored strategy's (or the defaults) with
 * the request's fields over it, risk limits merged field by field. Always on the paper venue.
 */
export function resolveConfig(base: StrategyConfig, change: StrategyConfigPatch | undefined): { ok: true; config: StrategyConfig } | { ok: false; errors: FieldError[] } {
  const merged = { ...base, ...change, riskLimits: { ...base.riskLimits, ...change?.riskLimits }, mode: "paper", accountId: null };
  const parsed = StrategyConfigSchema.safeParse(merged);
  return parsed.success ? { ok: true, config: parsed.data } : { ok: false, errors: fieldErrors(parsed.error, "config") };
}

/** Without fees in the request, the dearest of the markets' own: a default should not flatter a result. */
export function defaultFees(markets: readonly MarketRules[]): { makerBps: string; takerBps: string } {
  const max = (pick: (m: MarketRules) => string) => plain(markets.map((m) => dec(pick(m))).reduce((a, b) => (b.gt(a) ? b : a)));
  return { makerBps: max((m) => m.makerFeeBps), takerBps: max((m) => m.takerFeeBps) };
}

export function storedRequest(request: BacktestRequest, resolved: { fees: StoredRequest["fees"]; timeoutSeconds: number }): StoredRequest {
  return {
    strategyId: request.strategyId ?? null,
    strategy: request.strategy ?? null,
    replay: request.replay,
    config: request.config ?? {},
    symbols: request.symbols,
    timeframe: request.timeframe,
    from: request.from,
    to: request.to,
    startingCash: request.startingCash,
    fees: resolved.fees,
    slippageBps: request.slippageBps,
    fillModel: request.fillModel,
    timeoutSeconds: resolved.timeoutSeconds,
  };
}

export function storedSpec(request: StoredRequest, config: StrategyConfig): StoredSpec {
  const source: StoredSpec["source"] =
    request.replay && request.strategyId ? { kind: "replay", strategyId: request.strategyId } : { kind: "builtin", spec: request.strategy as BuiltinStrategySpec };
  return {
    symbols: request.symbols,
    timeframe: request.timeframe,
    from: request.from,
    to: request.to,
    startingCash: request.startingCash,
    makerFeeBps: request.fees.makerBps,
    takerFeeBps: request.fees.takerBps,
    slippageBps: request.slippageBps,
    fillModel: request.fillModel,
    source,
    config,
  };
}
