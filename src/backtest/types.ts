import type { StrategyConfig } from "../domain/strategy-config.js";
import type { CanonicalSignal } from "../domain/signal.js";
import type { Timeframe } from "../market-data/timeframes.js";
import type { BuiltinStrategySpec } from "../strategy/builtin/registry.js";

/**
 * Candles of one symbol as parallel arrays, oldest first: numbers are enough to decide signals and
 * draw curves, and typed arrays keep a million bars out of the garbage collector. Money (orders,
 * fills, cash, PnL) never comes from here as a float: prices enter the books as the decimal text
 * the exchange published (see `priceText`).
 */
export type CandleSeries = {
  readonly symbol: string;
  /** Open times in ms since the epoch, ascending, no duplicates. */
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** The exact decimal text of a price (index, field); numbers are only used when this is absent. */
  readonly priceText?: (index: number, field: "open" | "high" | "low" | "close") => string;
};

/**
 * When a signal decided at a bar's close is filled: at the next bar's open (what a live bot can do)
 * or at this bar's close (optimistic, the usual TradingView strategy-tester default).
 */
export const FILL_MODELS = ["next_open", "this_close"] as const;
export type FillModel = (typeof FILL_MODELS)[number];

/** A signal recorded in the ledger, replayed at the first bar that closes at or after `at`. */
export type ReplaySignal = { readonly at: number; readonly signal: CanonicalSignal };

export type SignalSource =
  | { readonly kind: "builtin"; readonly spec: BuiltinStrategySpec }
  | { readonly kind: "replay"; readonly signals: readonly ReplaySignal[] };

export type BacktestSpec = {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Candle open times in ms, both inclusive. */
  readonly from: number;
  readonly to: number;
  readonly startingCash: string;
  /** Fees in basis points of notional; negative maker fees are rebates. */
  readonly makerFeeBps: string;
  readonly takerFeeBps: string;
  readonly slippageBps: string;
  readonly fillModel: FillModel;
  readonly source: SignalSource;
  /** The strategy configuration the live path would use: sizing, stops, targets, risk limits. */
  readonly config: StrategyConfig;
};

export const EXIT_REASONS = ["signal", "stop_loss", "take_profit", "end_of_data"] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** One round trip: a position from the fill that opened it to the fill that closed it. */
export type BacktestTrade = {
  readonly symbol: string;
  readonly side: "long" | "short";
  /** The largest absolute quantity held, in order units. */
  readonly quantity: string;
  readonly entryTime: number;
  readonly entryPrice: string;
  readonly exitTime: number;
  readonly exitPrice: string;
  /** Gross of fees. */
  readonly realizedPnl: string;
  readonly fees: string;
  /** realizedPnl − fees. */
  readonly netPnl: string;
  readonly exitReason: ExitReason;
  readonly bars: number;
};

/** The account's equity at each bar's close, marked at that close. */
export type EquityCurve = { readonly time: Float64Array; readonly equity: Float64Array };

export type BacktestMetrics = {
  readonly startingCash: number;
  readonly finalEquity: number;
  /** (final − start) / start, as a fraction. */
  readonly totalReturn: number;
  /** null when not finite (a short span compounds past what a number holds). */
  readonly cagr: number | null;
  /** Largest peak-to-trough fall of equity, as a positive fraction of the peak. */
  readonly maxDrawdown: number;
  /** Longest time (ms) from a peak to the bar that first regains it (or to the end). */
  readonly maxDrawdownDurationMs: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly profitFactor: number | null;
  readonly winRate: number | null;
  readonly expectancy: number | null;
  readonly trades: number;
  /** Fraction of bars with a position open. */
  readonly exposure: number;
  readonly feesPaid: number;
};
