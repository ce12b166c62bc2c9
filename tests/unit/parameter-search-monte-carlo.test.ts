import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/engine/run-backtest.js";
import { monteCarlo } from "../../src/backtest/monte-carlo.js";
import { tradeMonteCarlo } from "../../src/backtest/research/trade-monte-carlo.js";
import { StrategyConfigSchema } from "../../src/domain/strategy-config.js";
import { loadCandleSeries } from "../helpers/candle-series.js";

const trades = (...pnl: string[]) => pnl.map((netPnl) => ({ netPnl }));

describe("tradeMonteCarlo", () => {
  it("observes the trades in the order they closed, the way each bootstrap path is measured", () => {
    // 1000 → 1100 (peak) → 900 (200 below it: 2/11) → 950: −5% in all.
    const result = tradeMonteCarlo({ trades: trades("100", "-200", "50"), startingCash: "1000" }, { iterations: 200, seed: 9 });
    expect(result.observed.totalReturn).toBe(-0.05);
    expect(result.observed.maxDrawdown).toBeCloseTo(2 / 11, 15);
    expect(result).toMatchObject(monteCarlo({ tradeReturns: [100, -200, 50], startingCash: 1000, iterations: 200, seed: 9 }));
  });

  it("sums the observed return in exact decimals", () => {
    // As numbers, 0.1 + 0.2 − 0.3 is 5.6e-17, not 0. The peak is 1.3, the trough 1.0.
    const result = tradeMonteCarlo({ trades: trades("0.1", "0.2", "-0.3"), startingCash: 1 });
    expect(result.observed.totalReturn).toBe(0);
    expect(result.observed.maxDrawdown).toBeCloseTo(3 / 13, 15);
  });

  it("has no spread and no observed change without trades", () => {
    const result = tradeMonteCarlo({ trades: [], startingCash: "500" });
    expect(result.trades).toBe(0);
    expect(result.observed).toEqual({ totalReturn: 0, maxDrawdown: 0 });
    expect(result.totalReturn.p95).toBe(0);
  });

  it("on a real backtest, observes the same total return as its metrics and a drawdown no deeper than the bar-by-bar one (long only, so flat at every exit)", async () => {
    const series = loadCandleSeries("binance_BTCUSDT_1h_head3000.csv", "BTC/USDT");
    const result = await runBacktest(
      {
        symbols: ["BTC/USDT"],
        timeframe: "1h",
        from: 0,
        to: Number.MAX_SAFE_INTEGER,
        startingCash: "10000",
        makerFeeBps: "10",
        takerFeeBps: "10",
        slippageBps: "0",
        fillModel: "next_open",
        source: { kind: "builtin", spec: { type: "sma-cross", params: { fast: 10, slow: 30, allowShort: false } } },
        config: StrategyConfigSchema.parse({ sizing: { type: "fixed_quote", notional: "5000" } }),
      },
      [series],
    );
    expect(result.trades.length).toBeGreaterThan(20);
    const mc = tradeMonteCarlo({ trades: result.trades, startingCash: "10000" }, { iterations: 500, seed: 3 });
    expect(mc.trades).toBe(result.trades.length);
    expect(mc.observed.totalReturn).toBeCloseTo(result.metrics.totalReturn, 12);
    expect(mc.observed.maxDrawdown).toBeGreaterThan(0);
    expect(mc.observed.maxDrawdown).toBeLessThanOrEqual(result.metrics.maxDrawdown + 1e-12);
    // Drawing with replacement changes the mix of trades as well as their order: both bands have width.
    expect(mc.totalReturn.p5).toBeLessThan(mc.totalReturn.p95);
    expect(mc.maxDrawdown.p5).toBeLessThan(mc.maxDrawdown.p95);
  });
});
