import type { BacktestMetrics, BacktestTrade, EquityCurve } from "./types.js";

/** Julian year: the unit of CAGR and of annualization (crypto trades every day of the year). */
export const YEAR_MS = 365.25 * 24 * 60 * 60 * 1000;

/**
 * Return deviations this small relative to the mean are rounding, not risk: a curve compounding at
 * a constant rate yields returns differing by ~1e-17 and would otherwise report a Sharpe near 1e15.
 */
const ZERO_DEVIATION_RELATIVE = 1e-10;

export type MetricsInput = {
  readonly equity: EquityCurve;
  readonly trades: readonly BacktestTrade[];
  readonly startingCash: number;
  /** Bars with a position open, counted by the engine. */
  readonly exposedBars: number;
  readonly timeframeMs: number;
  readonly feesPaid: number;
};

/**
 * Performance statistics of one backtest; every definition and edge case is in
 * docs/backtest-metrics.md. The curve is read once with scalar accumulators and nothing allocated
 * per point, so a curve of millions of bars costs one linear scan.
 *
 * Curve times are bar open times; point i is the equity at the close of bar i (time[i] +
 * timeframeMs), and startingCash is the equity at time[0], before the first bar.
 */
export function computeMetrics(input: MetricsInput): BacktestMetrics {
  const { equity: curve, startingCash, timeframeMs } = input;
  assertInput(input);

  const times = curve.time;
  const values = curve.equity;
  const n = values.length;
  const finalEquity = n > 0 ? values[n - 1]! : startingCash;
  const startTime = n > 0 ? times[0]! : 0;

  let peak = startingCash;
  let peakTime = startTime;
  let maxDrawdown = 0;
  let maxDrawdownDurationMs = 0;
  let minEquity = startingCash;
  let inDrawdown = false;

  // Welford's running mean and squared deviations: stable where a sum of squares cancels.
  let returnsDefined = true;
  let mean = 0;
  let m2 = 0;
  let downsideSquares = 0;
  let negativeReturns = 0;
  let previous = startingCash;

  for (let i = 0; i < n; i++) {
    const e = values[i]!;
    const t = times[i]! + timeframeMs;

    if (e < minEquity) minEquity = e;
    if (e >= peak) {
      if (inDrawdown && t - peakTime > maxDrawdownDurationMs) maxDrawdownDurationMs = t - peakTime;
      inDrawdown = false;
      peak = e;
      peakTime = t;
    } else {
      inDrawdown = true;
      const dd = (peak - e) / peak;
      if (dd > maxDrawdown) maxDrawdown = dd;
    }

    if (previous <= 0) returnsDefined = false;
    if (returnsDefined) {
      const r = e / previous - 1;
      const delta = r - mean;
      mean += delta / (i + 1);
      m2 += delta * (r - mean);
      if (r < 0) {
        downsideSquares += r * r;
        negativeReturns += 1;
      }
    }
    previous = e;
  }
  if (inDrawdown) {
    const unregained = times[n - 1]! + timeframeMs - peakTime;
    if (unregained > maxDrawdownDurationMs) maxDrawdownDurationMs = unregained;
  }

  const spanMs = n > 0 ? times[n - 1]! + timeframeMs - startTime : 0;
  const barsPerYear = YEAR_MS / timeframeMs;
  const returns = returnsDefined ? n : 0;

  let sharpe: number | null = null;
  if (returns >= 2) {
    const sd = Math.sqrt(m2 / (returns - 1));
    if (sd > ZERO_DEVIATION_RELATIVE * Math.abs(mean)) sharpe = (mean / sd) * Math.sqrt(barsPerYear);
  }
  let sortino: number | null = null;
  if (returns >= 2 && negativeReturns > 0) {
    sortino = (mean / Math.sqrt(downsideSquares / returns)) * Math.sqrt(barsPerYear);
  }

  return {
    startingCash,
    finalEquity,
    totalReturn: finalEquity / startingCash - 1,
    cagr: cagr(finalEquity / startingCash, spanMs, minEquity),
    maxDrawdown,
    maxDrawdownDurationMs,
    sharpe,
    sortino,
    ...tradeStats(input.trades),
    exposure: n > 0 ? input.exposedBars / n : 0,
    feesPaid: input.feesPaid,
  };
}

function cagr(growth: number, spanMs: number, minEquity: number): number | null {
  if (minEquity <= 0) return -1;
  if (spanMs <= 0) return 0;
  const value = Math.pow(growth, YEAR_MS / spanMs) - 1;
  // JSON has no Infinity: a gain over a few minutes, compounded to a year, overflows.
  return Number.isFinite(value) ? value : null;
}

type TradeStats = Pick<BacktestMetrics, "profitFactor" | "winRate" | "expectancy" | "trades">;

function tradeStats(trades: readonly BacktestTrade[]): TradeStats {
  const count = trades.length;
  if (count === 0) return { profitFactor: null, winRate: null, expectancy: null, trades: 0 };
  let wins = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let losers = 0;
  for (const trade of trades) {
    const pnl = Number(trade.netPnl);
    if (pnl > 0) {
      wins += 1;
      grossWin += pnl;
    } else if (pnl < 0) {
      losers += 1;
      grossLoss -= pnl;
    }
  }
  return {
    profitFactor: losers > 0 ? grossWin / grossLoss : null,
    winRate: wins / count,
    expectancy: (grossWin - grossLoss) / count,
    trades: count,
  };
}

function assertInput(input: MetricsInput): void {
  const { equity, startingCash, timeframeMs, exposedBars } = input;
  if (!Number.isFinite(startingCash) || startingCash <= 0) {
    throw new RangeError(`startingCash must be a finite number > 0, got ${String(startingCash)}`);
  }
  if (!Number.isFinite(timeframeMs) || timeframeMs <= 0) {
    throw new RangeError(`timeframeMs must be a finite number > 0, got ${String(timeframeMs)}`);
  }
  if (equity.time.length !== equity.equity.length) {
    throw new RangeError(`equity curve arrays differ in length: ${equity.time.length} times, ${equity.equity.length} values`);
  }
  if (!Number.isInteger(exposedBars) || exposedBars < 0 || exposedBars > equity.equity.length) {
    throw new RangeError(`exposedBars must be an integer in 0..${equity.equity.length}, got ${String(exposedBars)}`);
  }
}
