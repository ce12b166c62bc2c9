import { dec, type DecimalLike } from "../../domain/decimal.js";
import { monteCarlo, type MonteCarloResult } from "../monte-carlo.js";
import type { BacktestTrade } from "../types.js";

export type TradeMonteCarloOptions = {
  /** 1..100 000, default 1000. */
  readonly iterations?: number;
  /** An integer in 0..2^32 − 1, default 1. */
  readonly seed?: number;
};

export type TradeMonteCarloResult = MonteCarloResult & {
  /**
   * The same two statistics on the trades in the order they closed, measured the way each
   * bootstrap path is (equity stepped by each trade's net PnL, peak including the starting cash),
   * so they can be read against the bands. The drawdown is at trade exits only, not the
   * backtest's bar-by-bar maxDrawdown (which is at least as deep when the account is flat at every exit).
   */
  readonly observed: { readonly totalReturn: number; readonly maxDrawdown: number };
};

/**
 * Monte Carlo over a finished backtest's trades (see monteCarlo): how much of its return and
 * drawdown is the luck of the trade order and mix. Net PnL is summed exactly for the observed
 * values; the bootstrap itself works on numbers.
 */
export function tradeMonteCarlo(
  result: { readonly trades: readonly Pick<BacktestTrade, "netPnl">[]; readonly startingCash: DecimalLike },
  options: TradeMonteCarloOptions = {},
): TradeMonteCarloResult {
  const startingCash = dec(result.startingCash);
  const bands = monteCarlo({ tradeReturns: result.trades.map((t) => Number(t.netPnl)), startingCash: startingCash.toNumber(), ...options });
  let equity = startingCash;
  let peak = startingCash;
  let trough = startingCash;
  let maxDrawdown = 0;
  // One division per peak, not per losing trade: the deepest point under a peak is all that matters.
  const settle = () => {
    if (trough.lt(peak)) maxDrawdown = Math.max(maxDrawdown, peak.minus(trough).div(peak).toNumber());
  };
  for (const trade of result.trades) {
    equity = equity.plus(trade.netPnl);
    if (equity.gte(peak)) {
      settle();
      peak = equity;
      trough = equity;
    } else if (equity.lt(trough)) {
      trough = equity;
    }
  }
  settle();
  return { ...bands, observed: { totalReturn: equity.div(startingCash).minus(1).toNumber(), maxDrawdown } };
}
