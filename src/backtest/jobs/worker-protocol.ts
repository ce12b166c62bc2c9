import type { BacktestResult } from "../engine/run-backtest.js";
import type { SearchOptionsInput, SearchProgress, SearchResult } from "../research/search-parameters.js";
import type { BacktestSpec, CandleSeries } from "../types.js";

/** What crosses the thread boundary. Plain data and typed arrays only: functions cannot be cloned. */

/** One symbol's candles, without the price-text function; the arrays' buffers are transferred to the worker, not copied. */
export type SeriesArrays = Omit<CandleSeries, "priceText">;

/** What every job's thread is given. */
type JobThreadInput = {
  readonly series: readonly SeriesArrays[];
  /** Int32 slot 0: 1 once the run should stop (a cancel), read by the engine between bars (and by a search between candidates). */
  readonly cancelFlag: SharedArrayBuffer;
};

/**
 * Where a worker reads its candles itself: on PostgreSQL the thread opens a connection of its own,
 * so parsing half a million rows never occupies the event loop that answers webhooks.
 */
export type CandleSource = {
  readonly url: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly from: number;
  readonly to: number;
};

/** One backtest: the engine over the candles (given, or read from `candleSource`). */
export type BacktestWorkerInput = JobThreadInput & {
  readonly kind: "backtest";
  readonly candleSource?: CandleSource | undefined;
  readonly spec: BacktestSpec;
  readonly progressEvery: number;
  /** The stored equity curve's size: the worker downsamples, so the main thread never holds the full curve. */
  readonly maxEquityPoints: number;
};

/** One parameter search: searchParameters over the candles, every candidate a backtest of `base`. */
export type SearchWorkerInput = JobThreadInput & {
  readonly kind: "search";
  readonly base: BacktestSpec;
  readonly options: SearchOptionsInput;
};

export type WorkerInput = BacktestWorkerInput | SearchWorkerInput;

/** The engine's result with its equity curve downsampled (plain arrays of at most maxEquityPoints). */
export type WorkerResult = Omit<BacktestResult, "equity"> & { readonly equity: { readonly time: number[]; readonly equity: number[] } };

export type WorkerMessage =
  | { readonly type: "progress"; readonly done: number; readonly total: number }
  | { readonly type: "result"; readonly result: WorkerResult }
  | { readonly type: "search_progress"; readonly progress: SearchProgress }
  | { readonly type: "search_result"; readonly result: SearchResult }
  | { readonly type: "cancelled" }
  /**
   * The engine threw: its message only, never a stack, cut to a few hundred characters. `code`: a
   * search refused with a ResearchInputError (its code, e.g. SPLIT_EMPTY).
   */
  | { readonly type: "error"; readonly message: string; readonly code?: string };

export const CANCEL_SLOT = 0;
