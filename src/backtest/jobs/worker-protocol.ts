import type { SearchOptionsInput, SearchProgress, SearchResult } from "../research/search-parameters.js";
import type { BacktestMetrics, BacktestSpec, BacktestTrade } from "../types.js";

/** What crosses the thread boundary. Plain data and typed arrays only: functions cannot be cloned. */

/** One symbol's candles; the arrays' buffers are transferred to the worker, not copied. */
export type SeriesArrays = {
  readonly symbol: string;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
};

/** One backtest: the engine over the candles. */
export type BacktestWorkerInput = {
  readonly kind: "backtest";
  readonly spec: BacktestSpec;
  readonly series: readonly SeriesArrays[];
  /** Int32 slot 0: 1 once the run should stop (a cancel), read by the engine between bars. */
  readonly cancelFlag: SharedArrayBuffer;
  readonly progressEvery: number;
  /** The stored equity curve's size: the worker downsamples, so the main thread never holds the full curve. */
  readonly maxEquityPoints: number;
};

/** One parameter search: searchParameters over the candles, every candidate a backtest of `base`. */
export type SearchWorkerInput = {
  readonly kind: "search";
  readonly base: BacktestSpec;
  readonly series: readonly SeriesArrays[];
  readonly options: SearchOptionsInput;
  /** As for a backtest; read between candidates and by the engine between bars. */
  readonly cancelFlag: SharedArrayBuffer;
};

export type WorkerInput = BacktestWorkerInput | SearchWorkerInput;

export type WorkerResult = {
  readonly trades: readonly BacktestTrade[];
  readonly equity: { readonly time: number[]; readonly equity: number[] };
  readonly metrics: BacktestMetrics;
  readonly candles: number;
  readonly signals: number;
  readonly orders: number;
  readonly refusals: Readonly<Record<string, number>>;
  readonly tradesHash: string;
};

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
