import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FeedCandle } from "../../src/db/repositories/candle-feed-repository.js";
import type { CanonicalSignal } from "../../src/domain/signal.js";
import { StrategyConfigSchema } from "../../src/domain/strategy-config.js";
import type { Bar } from "../../src/strategy/builtin/bar-strategy.js";
import { BuiltinStrategySpecSchema, createBarStrategy, type BuiltinStrategySpec, type BuiltinStrategySpecInput } from "../../src/strategy/builtin/registry.js";
import { toCanonicalSignal } from "../../src/strategy/builtin/to-canonical-signal.js";
import { CandleFeedSchema } from "../../src/strategy/feed/candle-feed-schema.js";
import { replayFeed } from "../../src/strategy/feed/replay-feed.js";
import { MAX_WARMUP_BARS, MIN_WARMUP_BARS, warmupBars } from "../../src/strategy/feed/warmup.js";

const HOUR = 3_600_000;
const candles: FeedCandle[] = readFileSync(new URL("../fixtures/ohlcv/binance_BTCUSDT_1h_head3000.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [t, open, high, low, close, volume] = line.split(",") as [string, string, string, string, string, string];
    return { openTime: new Date(Number(t)), open, high, low, close, volume };
  });

const spec = (input: BuiltinStrategySpecInput): BuiltinStrategySpec => BuiltinStrategySpecSchema.parse(input);

/** What a backtest's strategy says over every candle from the first, keyed by the candle's index. */
function fullRun(s: BuiltinStrategySpec): Map<number, CanonicalSignal> {
  const strategy = createBarStrategy(s);
  const out = new Map<number, CanonicalSignal>();
  candles.forEach((c, i) => {
    const bar: Bar = { time: c.openTime.getTime(), open: +c.open, high: +c.high, low: +c.low, close: +c.close, volume: +c.volume };
    const said = strategy.onBar(bar);
    if (said) out.set(i, toCanonicalSignal("BTC/USDT", bar, HOUR, said));
  });
  return out;
}

/** A live pass resuming at candle `cut`: the last `warmup` candles before it, then `length` new ones. */
function resumedAt(s: BuiltinStrategySpec, cut: number, length: number, warmup = warmupBars(s)) {
  const decisions = replayFeed({
    spec: s,
    symbol: "BTC/USDT",
    timeframeMs: HOUR,
    warmup: candles.slice(Math.max(0, cut - warmup), cut),
    fresh: candles.slice(cut, cut + length),
  });
  return new Map(decisions.map((d) => [candles.indexOf(d.candle), d.signal]));
}

function expectedBetween(full: Map<number, CanonicalSignal>, from: number, to: number) {
  return new Map([...full].filter(([i]) => i >= from && i < to));
}

describe("a candle feed resumed from its warm-up", () => {
  const specs: BuiltinStrategySpecInput[] = [
    { type: "rsi" },
    { type: "rsi", params: { period: 6, oversold: 25, overbought: 75, allowShort: true } },
    { type: "macd" },
    { type: "sma-cross", params: { fast: 5, slow: 20 } },
    { type: "bollinger" },
    { type: "ensemble", params: { members: [{ type: "rsi" }, { type: "macd" }, { type: "sma-cross" }], threshold: 0.6 } },
  ];

  it.each(specs)("says on every later candle exactly what a run from the first candle says: %j", (input) => {
    const s = spec(input);
    const full = fullRun(s);
    let compared = 0;
    // Cut points across the file, each resumed for 300 candles: every signal must match, comment included.
    for (let cut = warmupBars(s); cut + 300 <= candles.length; cut += 211) {
      const resumed = resumedAt(s, cut, 300);
      expect(resumed, `resumed at candle ${cut}`).toEqual(expectedBetween(full, cut, cut + 300));
      compared += resumed.size;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it("would drift with a warm-up of three periods: an RSI's smoothing remembers its seed longer", () => {
    const s = spec({ type: "rsi" });
    const full = fullRun(s);
    const differs = [500, 1100, 1700, 2300].some((cut) => {
      const short = resumedAt(s, cut, 300, 3 * 14);
      return JSON.stringify([...short]) !== JSON.stringify([...expectedBetween(full, cut, cut + 300)]);
    });
    expect(differs).toBe(true);
  });

  it("drops what the strategy says during the warm-up and stamps each signal with its candle's close", () => {
    const s = spec({ type: "rsi" });
    const full = fullRun(s);
    const [firstIndex] = [...full.keys()];
    const cut = (firstIndex as number) + 1;
    const decisions = replayFeed({ spec: s, symbol: "BTC/USDT", timeframeMs: HOUR, warmup: candles.slice(0, cut), fresh: candles.slice(cut, cut + 400) });
    expect(decisions.length).toBeGreaterThan(0);
    for (const { candle, signal } of decisions) {
      expect(candle.openTime.getTime()).toBeGreaterThanOrEqual((candles[cut] as FeedCandle).openTime.getTime());
      expect(signal.sourceTime).toBe(new Date(candle.openTime.getTime() + HOUR).toISOString());
      expect(Number(signal.referencePrice)).toBe(Number(candle.close));
    }
  });
});

describe("warmupBars", () => {
  it("grows with the longest smoothing, is exact-window sized for moving averages, and stays within its bounds", () => {
    const rsi = (period: number) => warmupBars(spec({ type: "rsi", params: { period } }));
    expect(rsi(28)).toBeGreaterThan(rsi(14));
    expect(rsi(14)).toBeGreaterThan(3 * 14);
    expect(warmupBars(spec({ type: "sma-cross", params: { fast: 2, slow: 5 } }))).toBe(MIN_WARMUP_BARS);
    expect(rsi(500)).toBe(MAX_WARMUP_BARS);
    const members = [{ type: "rsi", params: { period: 30 } }, { type: "sma-cross" }] as const;
    expect(warmupBars(spec({ type: "ensemble", params: { members: [...members] } }))).toBe(rsi(30));
  });
});

describe("the candleFeed configuration", () => {
  it("is null unless set, and fills the built-in strategy's defaults", () => {
    expect(StrategyConfigSchema.parse({}).candleFeed).toBeNull();
    const feed = CandleFeedSchema.parse({ strategy: { type: "rsi" }, timeframe: "1h", symbols: ["BTC/USDT"] });
    expect(feed.strategy).toEqual({ type: "rsi", params: { period: 14, oversold: 30, overbought: 70, allowShort: false } });
  });

  it("refuses no symbols, more than ten, repeats, a bad symbol or timeframe, and a bad strategy, naming the field", () => {
    const paths = (input: unknown) => {
      const parsed = CandleFeedSchema.safeParse(input);
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join("."));
    };
    const ok = { strategy: { type: "rsi" }, timeframe: "1h", symbols: ["BTC/USDT"] };
    expect(paths(ok)).toEqual([]);
    expect(paths({ ...ok, symbols: [] })).toEqual(["symbols"]);
    expect(paths({ ...ok, symbols: Array.from({ length: 11 }, (_, i) => `C${i}/USDT`) })).toEqual(["symbols"]);
    expect(paths({ ...ok, symbols: ["BTC/USDT", "BTC/USDT"] })).toEqual(["symbols"]);
    expect(paths({ ...ok, symbols: ["btcusdt"] })).toEqual(["symbols.0"]);
    expect(paths({ ...ok, timeframe: "1M" })).toEqual(["timeframe"]);
    expect(paths({ ...ok, strategy: { type: "rsi", params: { period: 1 } } })).toEqual(["strategy.params.period"]);
    expect(paths({ ...ok, strategy: { type: "momentum" } })).toEqual(["strategy.type"]);
    expect(paths({ ...ok, extra: true })).toEqual([""]);
  });
});
