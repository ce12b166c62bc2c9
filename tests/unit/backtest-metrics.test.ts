import { describe, expect, it } from "vitest";
import { YEAR_MS, computeMetrics, type MetricsInput } from "../../src/backtest/metrics.js";
import type { BacktestTrade } from "../../src/backtest/types.js";
import { seededRandom } from "../../src/lib/seeded-random.js";

const H = 3_600_000;
const D = 24 * H;

function trade(netPnl: string, overrides: Partial<BacktestTrade> = {}): BacktestTrade {
  return {
    symbol: "BTC/USDT",
    side: "long",
    quantity: "1",
    entryTime: 0,
    entryPrice: "100",
    exitTime: H,
    exitPrice: "100",
    realizedPnl: netPnl,
    fees: "0",
    netPnl,
    exitReason: "signal",
    bars: 1,
    ...overrides,
  };
}

/** Curve points one bar apart, starting at open time 0. */
function input(equity: readonly number[], overrides: Partial<MetricsInput> = {}): MetricsInput {
  const timeframeMs = overrides.timeframeMs ?? H;
  return {
    equity: {
      time: Float64Array.from(equity, (_, i) => i * timeframeMs),
      equity: Float64Array.from(equity),
    },
    trades: [],
    startingCash: 100,
    exposedBars: 0,
    timeframeMs,
    feesPaid: 0,
    ...overrides,
  };
}

describe("computeMetrics: returns and CAGR", () => {
  it("an empty curve and no trades: the account stays at its starting cash, ratios are null", () => {
    const m = computeMetrics(input([], { startingCash: 1000, feesPaid: 0 }));
    expect(m).toEqual({
      startingCash: 1000,
      finalEquity: 1000,
      totalReturn: 0,
      cagr: 0,
      maxDrawdown: 0,
      maxDrawdownDurationMs: 0,
      sharpe: null,
      sortino: null,
      profitFactor: null,
      winRate: null,
      expectancy: null,
      trades: 0,
      exposure: 0,
      feesPaid: 0,
    });
  });

  it("total return is the last point over starting cash", () => {
    const m = computeMetrics(input([110, 90, 125]));
    expect(m.finalEquity).toBe(125);
    expect(m.totalReturn).toBeCloseTo(0.25, 15);
  });

  it("CAGR annualizes over first open to last close: 1000 → 1210 over two yearly bars is 10%", () => {
    const m = computeMetrics(input([1100, 1210], { startingCash: 1000, timeframeMs: YEAR_MS }));
    expect(m.cagr).toBeCloseTo(0.1, 12);
  });

  it("CAGR over half a year compounds the return twice", () => {
    // 2 bars of a quarter year each: 1.1 in half a year is 1.21 a year.
    const m = computeMetrics(input([105, 110], { timeframeMs: YEAR_MS / 4 }));
    expect(m.cagr).toBeCloseTo(0.21, 12);
  });

  it("CAGR is −1 once equity reached zero, even if the curve ends above it", () => {
    const m = computeMetrics(input([50, 0, 10]));
    expect(m.cagr).toBe(-1);
    expect(m.totalReturn).toBeCloseTo(-0.9, 15);
    expect(m.maxDrawdown).toBe(1);
  });
});

describe("computeMetrics: drawdown", () => {
  it("equity that never falls has no drawdown", () => {
    const m = computeMetrics(input([100, 101, 101, 150]));
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownDurationMs).toBe(0);
  });

  it("a flat curve has no drawdown, no volatility, and no downside", () => {
    const m = computeMetrics(input([100, 100, 100], { exposedBars: 1 }));
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownDurationMs).toBe(0);
    expect(m.totalReturn).toBe(0);
    expect(m.cagr).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.exposure).toBeCloseTo(1 / 3, 15);
  });

  it("depth from the running peak, duration from the peak's close to the close that regains it", () => {
    // Closes at D..6D. Peak 110 (close D) falls to 88 (−20%), regained by 121 at close 4D: 3 days.
    // Peak 121 (close 4D) falls to 110 (−9.09%), regained at close 6D: 2 days.
    const m = computeMetrics(input([110, 99, 88, 121, 110, 121], { timeframeMs: D }));
    expect(m.maxDrawdown).toBeCloseTo(0.2, 15);
    expect(m.maxDrawdownDurationMs).toBe(3 * D);
  });

  it("a drawdown never regained lasts until the last point", () => {
    // Peak 120 at close 2H; 90 is −25%; still below at the last close (4H): 2 hours.
    const m = computeMetrics(input([100, 120, 90, 110]));
    expect(m.maxDrawdown).toBeCloseTo(0.25, 15);
    expect(m.maxDrawdownDurationMs).toBe(2 * H);
  });

  it("a regained drawdown longer than the open one at the end wins", () => {
    // Start 100 at 0 → below until 100 at close 4H (4 hours); then 80 at the end, 1 hour long but deeper.
    const m = computeMetrics(input([95, 90, 99, 100, 80]));
    expect(m.maxDrawdown).toBeCloseTo(0.2, 15);
    expect(m.maxDrawdownDurationMs).toBe(4 * H);
  });

  it("the starting cash is the first peak: a curve that starts below it is in drawdown from time 0", () => {
    const m = computeMetrics(input([90, 80]));
    expect(m.maxDrawdown).toBeCloseTo(0.2, 15);
    expect(m.maxDrawdownDurationMs).toBe(2 * H);
  });

  it("a return exactly to the peak ends the drawdown", () => {
    const m = computeMetrics(input([90, 100, 100, 100]));
    expect(m.maxDrawdown).toBeCloseTo(0.1, 15);
    expect(m.maxDrawdownDurationMs).toBe(2 * H);
  });
});

/** Reference Sharpe/Sortino from an explicit array of returns, two-pass variance. */
function reference(startingCash: number, equity: readonly number[], timeframeMs: number) {
  const returns = equity.map((e, i) => e / (i === 0 ? startingCash : equity[i - 1]!) - 1);
  const n = returns.length;
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1);
  const downside = Math.sqrt(returns.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / n);
  const annual = Math.sqrt(YEAR_MS / timeframeMs);
  return { sharpe: (mean / Math.sqrt(variance)) * annual, sortino: (mean / downside) * annual };
}

describe("computeMetrics: Sharpe and Sortino", () => {
  it("hand-computed: returns +10%, −5% on quarterly bars give Sharpe √2/3 and Sortino √2", () => {
    // mean 0.025, sample sd 0.075·√2, downside sqrt(0.05²/2); sqrt(4 bars a year) = 2.
    const m = computeMetrics(input([110, 104.5], { timeframeMs: YEAR_MS / 4 }));
    expect(m.sharpe).toBeCloseTo(Math.SQRT2 / 3, 12);
    expect(m.sortino).toBeCloseTo(Math.SQRT2, 12);
  });

  it("matches a two-pass reference on a short hand-written curve", () => {
    const curve = [1010, 1000, 1030, 1015, 1040, 1020, 1050];
    const m = computeMetrics(input(curve, { startingCash: 1000, timeframeMs: 4 * H }));
    const ref = reference(1000, curve, 4 * H);
    expect(m.sharpe).toBeCloseTo(ref.sharpe, 10);
    expect(m.sortino).toBeCloseTo(ref.sortino, 10);
  });

  it("matches the reference on a 20 000-bar random walk", () => {
    const random = seededRandom(42);
    const curve: number[] = [];
    let e = 10_000;
    for (let i = 0; i < 20_000; i++) {
      e *= 1 + (random() - 0.49) * 0.02;
      curve.push(e);
    }
    const m = computeMetrics(input(curve, { startingCash: 10_000, timeframeMs: 15 * 60_000 }));
    const ref = reference(10_000, curve, 15 * 60_000);
    // Welford and two-pass sums differ by rounding only: ~1e-12 relative over 20 000 terms.
    expect(Math.abs(m.sharpe! - ref.sharpe)).toBeLessThan(1e-9 * Math.abs(ref.sharpe));
    expect(Math.abs(m.sortino! - ref.sortino)).toBeLessThan(1e-9 * Math.abs(ref.sortino));
  });

  it("is null with a single return", () => {
    const m = computeMetrics(input([90]));
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
  });

  it("Sharpe is null when returns are equal up to rounding (constant −0.3% per bar)", () => {
    // Computed returns differ by ~1e-17 here: a naive ratio would report a Sharpe near −4e15.
    const start = 1000 / 3;
    const curve: number[] = [];
    for (let i = 0, e = start; i < 30; i++) curve.push((e *= 0.997));
    const m = computeMetrics(input(curve, { startingCash: start }));
    expect(m.sharpe).toBeNull();
    // Every return is the mean and negative, so downside deviation = |mean|: Sortino = −√(bars a year).
    expect(m.sortino).toBeCloseTo(-Math.sqrt(YEAR_MS / H), 9);
  });

  it("Sortino is null with no negative return while Sharpe is defined", () => {
    const m = computeMetrics(input([110, 111, 130]));
    expect(m.sharpe).not.toBeNull();
    expect(m.sharpe!).toBeGreaterThan(0);
    expect(m.sortino).toBeNull();
  });

  it("both are null once equity reached zero: a return from a zero base is undefined", () => {
    const m = computeMetrics(input([50, 0, 10, 20]));
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
  });
});

describe("computeMetrics: trades, exposure, fees", () => {
  it("profit factor, win rate and expectancy from net PnL; a zero trade is not a win", () => {
    const trades = ["100", "-50", "30", "-25.5", "0"].map((p) => trade(p));
    const m = computeMetrics(input([100, 110], { trades }));
    expect(m.trades).toBe(5);
    expect(m.profitFactor).toBeCloseTo(130 / 75.5, 12);
    expect(m.winRate).toBeCloseTo(0.4, 15);
    expect(m.expectancy).toBeCloseTo(54.5 / 5, 12);
  });

  it("uses net PnL, not gross: a gross win eaten by fees is a loss", () => {
    const trades = [trade("-1", { realizedPnl: "4", fees: "5" }), trade("3", { realizedPnl: "3" })];
    const m = computeMetrics(input([102], { trades }));
    expect(m.winRate).toBe(0.5);
    expect(m.profitFactor).toBe(3);
    expect(m.expectancy).toBe(1);
  });

  it("a loss-free trade list has no profit factor (it would be infinite)", () => {
    const m = computeMetrics(input([115], { trades: [trade("10"), trade("0"), trade("5")] }));
    expect(m.profitFactor).toBeNull();
    expect(m.winRate).toBeCloseTo(2 / 3, 15);
    expect(m.expectancy).toBe(5);
  });

  it("only losses: profit factor 0, win rate 0", () => {
    const m = computeMetrics(input([90], { trades: [trade("-10")] }));
    expect(m.profitFactor).toBe(0);
    expect(m.winRate).toBe(0);
    expect(m.expectancy).toBe(-10);
  });

  it("exposure is exposed bars over curve points; fees pass through", () => {
    const m = computeMetrics(input([100, 101, 102, 103], { exposedBars: 3, feesPaid: 12.5 }));
    expect(m.exposure).toBe(0.75);
    expect(m.feesPaid).toBe(12.5);
  });
});

describe("computeMetrics: input checks", () => {
  it("refuses a non-positive starting cash, a bad timeframe, mismatched arrays, impossible exposure", () => {
    expect(() => computeMetrics(input([1], { startingCash: 0 }))).toThrow(RangeError);
    expect(() => computeMetrics(input([1], { timeframeMs: 0 }))).toThrow(RangeError);
    const equity = { time: new Float64Array(2), equity: new Float64Array(3) };
    expect(() => computeMetrics({ ...input([]), equity })).toThrow(RangeError);
    expect(() => computeMetrics(input([1, 2], { exposedBars: 3 }))).toThrow(RangeError);
  });
});
