import { describe, expect, it } from "vitest";
import { monteCarlo, percentile, type Band } from "../../src/backtest/monte-carlo.js";
import { seededRandom } from "../../src/lib/seeded-random.js";

const BAND_KEYS = ["p5", "p25", "p50", "p75", "p95", "mean"] as const;

function expectOrdered(band: Band): void {
  expect(band.p5).toBeLessThanOrEqual(band.p25);
  expect(band.p25).toBeLessThanOrEqual(band.p50);
  expect(band.p50).toBeLessThanOrEqual(band.p75);
  expect(band.p75).toBeLessThanOrEqual(band.p95);
}

describe("seededRandom", () => {
  it("is deterministic per seed, differs across seeds, and stays in [0, 1)", () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    const c = seededRandom(124);
    const fromA = Array.from({ length: 1000 }, () => a());
    const fromB = Array.from({ length: 1000 }, () => b());
    const fromC = Array.from({ length: 1000 }, () => c());
    expect(fromB).toEqual(fromA);
    expect(fromC).not.toEqual(fromA);
    for (const u of fromA) {
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it("is close to uniform: mean and ten equal buckets over 100 000 draws", () => {
    const random = seededRandom(1);
    const draws = 100_000;
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    for (let i = 0; i < draws; i++) {
      const u = random();
      sum += u;
      buckets[Math.floor(u * 10)]! += 1;
    }
    // A uniform mean has sd √(1/12)/√N ≈ 0.00091: 0.005 is over 5 sd.
    expect(Math.abs(sum / draws - 0.5)).toBeLessThan(0.005);
    // Chi-square with 9 degrees of freedom: P(χ² > 27.88) = 0.001.
    const expected = draws / 10;
    const chi2 = buckets.reduce((acc, count) => acc + (count - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88);
  });
});

describe("percentile", () => {
  it("interpolates linearly between order statistics (type 7)", () => {
    const sorted = [1, 2, 3, 4];
    // h = 3p: p5 → 0.15, p25 → 0.75, p50 → 1.5, p95 → 2.85.
    expect(percentile(sorted, 0.05)).toBeCloseTo(1.15, 12);
    expect(percentile(sorted, 0.25)).toBeCloseTo(1.75, 12);
    expect(percentile(sorted, 0.5)).toBeCloseTo(2.5, 12);
    expect(percentile(sorted, 0.95)).toBeCloseTo(3.85, 12);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 1)).toBe(4);
    expect(percentile([7], 0.3)).toBe(7);
  });
});

describe("monteCarlo", () => {
  const trades = [120, -80, 45, -30, 10, -150, 200, 15, -5, 60];

  it("the same seed gives an identical result; another seed a different one", () => {
    const first = monteCarlo({ tradeReturns: trades, startingCash: 1000, seed: 7 });
    const again = monteCarlo({ tradeReturns: trades, startingCash: 1000, seed: 7 });
    const other = monteCarlo({ tradeReturns: trades, startingCash: 1000, seed: 8 });
    expect(again).toEqual(first);
    expect(other.totalReturn).not.toEqual(first.totalReturn);
    expect(other.maxDrawdown).not.toEqual(first.maxDrawdown);
  });

  it("defaults to 1000 iterations and seed 1, and reports the trade count", () => {
    const result = monteCarlo({ tradeReturns: trades, startingCash: 1000 });
    expect(result.iterations).toBe(1000);
    expect(result.seed).toBe(1);
    expect(result.trades).toBe(10);
    expect(result).toEqual(monteCarlo({ tradeReturns: trades, startingCash: 1000, iterations: 1000, seed: 1 }));
  });

  it("bands are ordered p5 ≤ p25 ≤ p50 ≤ p75 ≤ p95", () => {
    const result = monteCarlo({ tradeReturns: trades, startingCash: 1000, iterations: 2000, seed: 3 });
    expectOrdered(result.totalReturn);
    expectOrdered(result.maxDrawdown);
    expect(result.maxDrawdown.p5).toBeGreaterThanOrEqual(0);
    // Paths with a loss exist in a set with 4 losers out of 10: the upper band has a drawdown.
    expect(result.maxDrawdown.p95).toBeGreaterThan(0);
  });

  it("all-equal trades give one possible path: every percentile and the mean equal it", () => {
    // Three −10 trades from 1000: 970, total −3%, drawdown 30/1000 = 3%.
    const result = monteCarlo({ tradeReturns: [-10, -10, -10], startingCash: 1000, iterations: 50, seed: 9 });
    for (const key of BAND_KEYS) {
      expect(result.totalReturn[key]).toBeCloseTo(-0.03, 12);
      expect(result.maxDrawdown[key]).toBeCloseTo(0.03, 12);
    }
    const winners = monteCarlo({ tradeReturns: [5, 5], startingCash: 100, iterations: 50 });
    for (const key of BAND_KEYS) {
      expect(winners.totalReturn[key]).toBeCloseTo(0.1, 12);
      expect(winners.maxDrawdown[key]).toBe(0);
    }
  });

  it("one iteration reproduces the path drawn by hand from the same generator", () => {
    const seed = 2024;
    const startingCash = 1000;
    const result = monteCarlo({ tradeReturns: trades, startingCash, iterations: 1, seed });

    // The documented bootstrap: index ⌊u·n⌋ per draw, in draw order, from seededRandom(seed).
    const random = seededRandom(seed);
    const path = trades.map(() => trades[Math.floor(random() * trades.length)]!);
    const curve = path.reduce<number[]>((acc, pnl) => [...acc, acc[acc.length - 1]! + pnl], [startingCash]);
    const drawdowns = curve.map((e, i) => {
      const peak = Math.max(...curve.slice(0, i + 1));
      return (peak - e) / peak;
    });
    const expectedReturn = curve[curve.length - 1]! / startingCash - 1;
    const expectedDrawdown = Math.max(...drawdowns);

    for (const key of BAND_KEYS) {
      expect(result.totalReturn[key]).toBeCloseTo(expectedReturn, 12);
      expect(result.maxDrawdown[key]).toBeCloseTo(expectedDrawdown, 12);
    }
  });

  it("the median and spread of total return match the analytic distribution for a symmetric trade set", () => {
    // Trades ±1..±50 (100 of them, mean 0, variance Σk²/50 = 858.5). A path sums 100 draws: mean 0,
    // sd √(100·858.5) = 293.0, i.e. 2.93% of 10 000, and symmetric about 0, so its median is 0.
    // With 10 000 paths the sample median's standard error is √(π/2)·0.0293/100 ≈ 0.00037, so 0.002
    // is over 5 standard errors. The sum of 100 draws is near normal (no skew; Cornish–Fisher
    // correction to the 5% quantile from the kurtosis is ~1e-4): p5/p95 ≈ ∓1.645·0.0293 = ∓0.0482,
    // whose sampling error is ≈ 0.0006, so 0.003 is again over 4 standard errors.
    const symmetric = Array.from({ length: 50 }, (_, i) => i + 1).flatMap((k) => [k, -k]);
    const sd = Math.sqrt(100 * (symmetric.reduce((a, k) => a + k * k, 0) / 100)) / 10_000;
    const result = monteCarlo({ tradeReturns: symmetric, startingCash: 10_000, iterations: 10_000, seed: 11 });
    expect(Math.abs(result.totalReturn.p50)).toBeLessThan(0.002);
    expect(Math.abs(result.totalReturn.mean)).toBeLessThan(0.002);
    expect(Math.abs(result.totalReturn.p5 + 1.645 * sd)).toBeLessThan(0.003);
    expect(Math.abs(result.totalReturn.p95 - 1.645 * sd)).toBeLessThan(0.003);
  });

  it("zero trades: every band is zeros", () => {
    const result = monteCarlo({ tradeReturns: [], startingCash: 1000, iterations: 10, seed: 5 });
    expect(result).toEqual({
      iterations: 10,
      seed: 5,
      trades: 0,
      totalReturn: { p5: 0, p25: 0, p50: 0, p75: 0, p95: 0, mean: 0 },
      maxDrawdown: { p5: 0, p25: 0, p50: 0, p75: 0, p95: 0, mean: 0 },
    });
  });

  it("refuses iterations outside 1..100 000, bad seeds, bad cash and non-finite trades", () => {
    const base = { tradeReturns: [1, -1], startingCash: 100 };
    expect(() => monteCarlo({ ...base, iterations: 0 })).toThrow(RangeError);
    expect(() => monteCarlo({ ...base, iterations: 100_001 })).toThrow(RangeError);
    expect(() => monteCarlo({ ...base, iterations: 1.5 })).toThrow(RangeError);
    expect(() => monteCarlo({ ...base, seed: -1 })).toThrow(RangeError);
    expect(() => monteCarlo({ ...base, seed: 2 ** 32 })).toThrow(RangeError);
    expect(() => monteCarlo({ ...base, startingCash: 0 })).toThrow(RangeError);
    expect(() => monteCarlo({ ...base, tradeReturns: [1, Number.NaN] })).toThrow(RangeError);
    expect(monteCarlo({ ...base, iterations: 100_000 }).iterations).toBe(100_000);
  });
});
