import { seededRandom } from "../lib/seeded-random.js";

export const MONTE_CARLO_DEFAULT_ITERATIONS = 1000;
export const MONTE_CARLO_MAX_ITERATIONS = 100_000;
export const MONTE_CARLO_DEFAULT_SEED = 1;

/** Percentiles (linear interpolation between order statistics) and the mean over all paths. */
export type Band = {
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly mean: number;
};

export type MonteCarloResult = {
  readonly iterations: number;
  readonly seed: number;
  /** Trades per path: the number of trades in the input. */
  readonly trades: number;
  readonly totalReturn: Band;
  readonly maxDrawdown: Band;
};

export type MonteCarloInput = {
  /** Net PnL of each trade, in quote currency. */
  readonly tradeReturns: readonly number[];
  readonly startingCash: number;
  /** 1..100 000, default 1000. */
  readonly iterations?: number;
  /** An integer in 0..2^32 − 1, default 1: the same seed gives the same result. */
  readonly seed?: number;
};

/**
 * Bootstrap of the trade sequence: each path draws as many trades as the backtest made, uniformly
 * with replacement, applies their PnL in draw order to startingCash and records the path's total
 * return and max drawdown (peak including startingCash, as in computeMetrics). A path is scanned
 * with scalars only; the one allocation is a Float64Array per statistic, one slot per path, which
 * the percentiles need sorted. See docs/backtest-metrics.md.
 */
export function monteCarlo(input: MonteCarloInput): MonteCarloResult {
  const iterations = input.iterations ?? MONTE_CARLO_DEFAULT_ITERATIONS;
  const seed = input.seed ?? MONTE_CARLO_DEFAULT_SEED;
  const { tradeReturns, startingCash } = input;
  assertInput(tradeReturns, startingCash, iterations, seed);

  const n = tradeReturns.length;
  if (n === 0) return { iterations, seed, trades: 0, totalReturn: ZERO_BAND, maxDrawdown: ZERO_BAND };

  const random = seededRandom(seed);
  const totalReturns = new Float64Array(iterations);
  const maxDrawdowns = new Float64Array(iterations);
  for (let path = 0; path < iterations; path++) {
    let equity = startingCash;
    let peak = startingCash;
    let maxDrawdown = 0;
    for (let k = 0; k < n; k++) {
      // random() < 1, so the index is at most n − 1; the bias of flooring is below n / 2^32.
      equity += tradeReturns[Math.floor(random() * n)]!;
      if (equity >= peak) {
        peak = equity;
      } else {
        const dd = (peak - equity) / peak;
        if (dd > maxDrawdown) maxDrawdown = dd;
      }
    }
    totalReturns[path] = equity / startingCash - 1;
    maxDrawdowns[path] = maxDrawdown;
  }
  return { iterations, seed, trades: n, totalReturn: band(totalReturns), maxDrawdown: band(maxDrawdowns) };
}

/**
 * The p-quantile (0 ≤ p ≤ 1) of ascending `sorted` values by linear interpolation between order
 * statistics: h = (N − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]). This is Hyndman–Fan type 7,
 * the default of numpy, R and Excel's PERCENTILE.INC.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const count = sorted.length;
  if (count === 0) throw new RangeError("percentile of an empty sample");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${String(p)}`);
  const h = (count - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo]!;
  if (lo + 1 >= count) return below;
  return below + (h - lo) * (sorted[lo + 1]! - below);
}

const ZERO_BAND: Band = { p5: 0, p25: 0, p50: 0, p75: 0, p95: 0, mean: 0 };

/** Sorts `values` in place (a typed array sorts numerically) and summarizes them. */
function band(values: Float64Array): Band {
  values.sort();
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return {
    p5: percentile(values, 0.05),
    p25: percentile(values, 0.25),
    p50: percentile(values, 0.5),
    p75: percentile(values, 0.75),
    p95: percentile(values, 0.95),
    mean: sum / values.length,
  };
}

function assertInput(tradeReturns: readonly number[], startingCash: number, iterations: number, seed: number): void {
  if (!Number.isFinite(startingCash) || startingCash <= 0) {
    throw new RangeError(`startingCash must be a finite number > 0, got ${String(startingCash)}`);
  }
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MONTE_CARLO_MAX_ITERATIONS) {
    throw new RangeError(`iterations must be an integer in 1..${MONTE_CARLO_MAX_ITERATIONS}, got ${String(iterations)}`);
  }
  // One seed, one stream: the generator keeps 32 bits, so wider seeds would silently collide.
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seed must be an integer in 0..4294967295, got ${String(seed)}`);
  }
  for (let i = 0; i < tradeReturns.length; i++) {
    if (!Number.isFinite(tradeReturns[i])) {
      throw new RangeError(`tradeReturns[${i}] must be a finite number, got ${String(tradeReturns[i])}`);
    }
  }
}
