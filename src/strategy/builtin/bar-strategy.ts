import type { Intent } from "../../domain/signal.js";

/**
 * A closed candle as a built-in strategy sees it. The runner reuses one object for every bar, so a
 * strategy copies the numbers it wants to keep and never holds on to the bar itself. It reads the
 * fields by name and never spreads the bar: a backtest's bar is a view whose fields are getters.
 */
export type Bar = {
  /** Open time, ms since the epoch. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
};

/** What a strategy says at a bar's close: the same intent a TradingView alert carries. */
export type StrategySignal = {
  readonly intent: Intent;
  /** 0..1, how sure the strategy is (the ensemble's vote share; 1 for single strategies). */
  readonly confidence: number;
  /** Why, for the signal's trace: "rsi 28.4 crossed below 30". */
  readonly comment: string;
};

/**
 * A built-in strategy: fed closed bars one at a time, in time order, with constant work per bar;
 * it answers with a signal or null. It never sees a bar before that bar has closed, and holds no
 * view of the position: the strategy manager turns its intents into orders, as for any alert.
 */
export interface BarStrategy {
  onBar(bar: Bar): StrategySignal | null;
}
