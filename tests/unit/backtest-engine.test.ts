import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/engine/run-backtest.js";
import type { BacktestSpec, CandleSeries } from "../../src/backtest/types.js";
import { StrategyConfigSchema, type StrategyConfigInput } from "../../src/domain/strategy-config.js";
import { loadCandleSeries, seriesFromRows } from "../helpers/candle-series.js";
import { referenceRsiBacktest } from "../helpers/reference-rsi-backtest.js";

const HOUR = 3_600_000;
const year = loadCandleSeries("binance_BTCUSDT_1h.csv", "BTC/USDT");

function spec(overrides: Partial<BacktestSpec> = {}, config: StrategyConfigInput = {}): BacktestSpec {
  return {
    symbols: ["BTC/USDT"],
    timeframe: "1h",
    from: 0,
    to: Number.MAX_SAFE_INTEGER,
    startingCash: "10000",
    makerFeeBps: "10",
    takerFeeBps: "10",
    slippageBps: "0",
    fillModel: "next_open",
    source: { kind: "builtin", spec: { type: "rsi", params: { period: 14, oversold: 30, overbought: 70, allowShort: false } } },
    config: StrategyConfigSchema.parse({ sizing: { type: "fixed_quote", notional: "1000" }, ...config }),
    ...overrides,
  };
}

describe("backtest engine", () => {
  it("trades the RSI strategy over a year of BTC/USDT 1h exactly as an independent loop does", async () => {
    const result = await runBacktest(spec(), [year]);
    const expected = referenceRsiBacktest({ rows: year.text, timeframeMs: HOUR, period: 14, oversold: 30, overbought: 70, notional: "1000", amountStep: "0.00001", feeBps: "10" });
    expect(expected.length).toBeGreaterThan(10);
    const actual = result.trades.map(({ entryTime, entryPrice, exitTime, exitPrice, quantity, realizedPnl, fees, netPnl }) => ({ entryTime, entryPrice, exitTime, exitPrice, quantity, realizedPnl, fees, netPnl }));
    expect(actual).toEqual(expected);
    expect(result.candles).toBe(year.time.length);
    expect(result.equity.time.length).toBe(year.time.length);
  });

  it("gives the same trade list, and hash, for the same inputs; other inputs change the hash", async () => {
    const [a, b, c] = await Promise.all([runBacktest(spec(), [year]), runBacktest(spec(), [year]), runBacktest(spec({ takerFeeBps: "11" }), [year])]);
    expect(b.trades).toEqual(a.trades);
    expect(b.tradesHash).toBe(a.tradesHash);
    expect(a.tradesHash).toMatch(/^[0-9a-f]{64}$/);
    expect(c.tradesHash).not.toBe(a.tradesHash);
  });

  it("never looks ahead: changing every bar after k leaves every trade closed before k unchanged", async () => {
    const k = 4000;
    const changed = seriesFromRows(
      "BTC/USDT",
      year.text.map((row, i) => (i < k ? row : [row[0] as string, ...row.slice(1, 5).map((v) => (Number(v) * (i % 2 ? 1.07 : 0.93)).toFixed(2)), row[5] as string])),
    );
    const [full, altered] = await Promise.all([runBacktest(spec(), [year]), runBacktest(spec(), [changed])]);
    const cut = year.time[k] as number;
    const before = (trades: typeof full.trades) => trades.filter((t) => t.exitTime <= cut);
    expect(before(full.trades).length).toBeGreaterThan(3);
    expect(before(altered.trades)).toEqual(before(full.trades));
    expect(Array.from(altered.equity.equity.subarray(0, k))).toEqual(Array.from(full.equity.equity.subarray(0, k)));
    expect(altered.tradesHash).not.toBe(full.tradesHash);
  });

  it("fills at this bar's close with the this_close model, one bar earlier than next_open", async () => {
    const [next, close] = await Promise.all([runBacktest(spec(), [year]), runBacktest(spec({ fillModel: "this_close" }), [year])]);
    const first = next.trades[0];
    const firstClose = close.trades[0];
    if (!first || !firstClose) throw new Error("expected trades");
    const i = year.time.indexOf(first.entryTime);
    expect(firstClose.entryTime).toBe(first.entryTime);
    expect(firstClose.entryPrice).toBe(year.text[i - 1]?.[4]);
    expect(first.entryPrice).toBe(year.text[i]?.[1]);
  });

  it("stops out inside a bar at the stop, and at the open when the bar gaps through it", async () => {
    // Bar 0's close says buy at 100 with a 5% stop (95); bar 1 fills the entry at its open of 100.
    const run = async (bar2: string[]) => {
      const rows = [["100", "100", "100", "100"], ["100", "101", "96", "98"], bar2, ["97", "98", "96", "97"]];
      const series = seriesFromRows("BTC/USDT", rows.map((r, i) => [String(i * HOUR), ...r, "1"]));
      const signals = [{ at: HOUR, signal: { symbol: "BTC/USDT", intent: { action: "open" as const, side: "long" as const }, orderType: "market" as const, referencePrice: "100" } }];
      return runBacktest(spec({ source: { kind: "replay", signals }, takerFeeBps: "0", makerFeeBps: "0" }, { defaultStopLossPercent: "5" }), [series]);
    };
    const inside = await run(["98", "99", "94", "97"]);
    expect(inside.trades).toHaveLength(1);
    expect(inside.trades[0]).toMatchObject({ entryPrice: "100", entryTime: HOUR, exitPrice: "95", exitTime: 2 * HOUR, exitReason: "stop_loss", quantity: "10", realizedPnl: "-50" });
    const gap = await run(["93", "94", "92", "93"]);
    expect(gap.trades[0]).toMatchObject({ exitPrice: "93", exitReason: "stop_loss", realizedPnl: "-70" });
    const never = await run(["98", "99", "96", "97"]);
    expect(never.trades[0]).toMatchObject({ exitPrice: "97", exitReason: "end_of_data", exitTime: 4 * HOUR });
  });

  it("fills a limit entry through the next open at the open as a taker, and rests one that is not", async () => {
    // Bar 0 closes at 100 with a buy limited at 101 (or 99); bar 1 opens at 100 and trades down to 98.
    const run = async (limitPrice: string) => {
      const rows = [["100", "100", "100", "100"], ["100", "100.5", "98", "99"], ["99", "99.5", "98.5", "99"]];
      const series = seriesFromRows("BTC/USDT", rows.map((r, i) => [String(i * HOUR), ...r, "1"]));
      const signal = { symbol: "BTC/USDT", intent: { action: "open" as const, side: "long" as const }, orderType: "limit" as const, limitPrice, referencePrice: "100" };
      return runBacktest(spec({ source: { kind: "replay", signals: [{ at: HOUR, signal }] }, takerFeeBps: "10", makerFeeBps: "0" }, { sizing: { type: "fixed_base", quantity: "1" } }), [series]);
    };
    // Arriving at the open of 100, a limit of 101 is through the market: it pays 100 and the taker fee, not 101.
    const through = await run("101");
    expect(through.trades[0]).toMatchObject({ entryPrice: "100", entryTime: HOUR, quantity: "1", fees: "0.199" });
    // A limit of 99 rests; bar 1 trades down through it and it fills at 99 as a maker (no fee).
    const resting = await run("99");
    expect(resting.trades[0]).toMatchObject({ entryPrice: "99", entryTime: HOUR, quantity: "1" });
    expect(resting.trades[0]?.fees).toBe("0.099");
  });

  it("replays recorded signals at the first bar that closes at or after them", async () => {
    const at = (year.time[100] as number) + 30 * 60_000;
    const signals = [
      { at, signal: { symbol: "BTC/USDT", intent: { action: "open" as const, side: "long" as const }, orderType: "market" as const, referencePrice: year.text[100]?.[4] as string } },
      { at: (year.time[200] as number) + HOUR, signal: { symbol: "BTC/USDT", intent: { action: "close" as const }, orderType: "market" as const, referencePrice: year.text[200]?.[4] as string } },
    ];
    const result = await runBacktest(spec({ source: { kind: "replay", signals } }), [year]);
    expect(result.signals).toBe(2);
    expect(result.trades).toHaveLength(1);
    expect(result.trades[0]?.entryTime).toBe(year.time[101]);
    expect(result.trades[0]?.entryPrice).toBe(year.text[101]?.[1]);
    expect(result.trades[0]?.exitTime).toBe(year.time[201]);
    expect(result.trades[0]?.exitReason).toBe("signal");
  });

  it("denies through the same risk engine as live, and counts the refusals", async () => {
    const result = await runBacktest(spec({}, { sizing: { type: "fixed_quote", notional: "1000" }, riskLimits: { maxOrderNotional: "1" } }), [year]);
    expect(result.trades).toHaveLength(0);
    expect(result.orders).toBe(0);
    expect(Object.keys(result.refusals).some((code) => code.startsWith("MAX_ORDER_NOTIONAL") || code === "QUANTITY_BELOW_MIN" || code === "NOTIONAL_BELOW_MIN")).toBe(true);
  });

  it("keeps one account across symbols, in time order", async () => {
    const eth = loadCandleSeries("binance_ETHUSDT_1h_head300.csv", "ETH/USDT");
    const btc: CandleSeries = seriesFromRows("BTC/USDT", year.text.slice(0, 300));
    const result = await runBacktest(spec({ symbols: ["BTC/USDT", "ETH/USDT"] }), [btc, eth]);
    expect(result.candles).toBe(600);
    const times = Array.from(result.equity.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(result.trades.map((t) => t.symbol)).size).toBeGreaterThanOrEqual(1);
  });
});
