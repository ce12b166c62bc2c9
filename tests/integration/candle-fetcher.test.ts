import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The app first: the built-in registry's schemas must be built after @hono/zod-openapi extends zod.
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { startTestExchange, type TestExchange } from "../exchange/server.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { listAll, OffsetClock, waitProcessed } from "../helpers/trading.js";
import type { CanonicalSignal } from "../../src/domain/signal.js";
import { lastClosedOpenTime } from "../../src/market-data/candle-fetcher.js";
import type { Bar } from "../../src/strategy/builtin/bar-strategy.js";
import { BuiltinStrategySpecSchema, createBarStrategy } from "../../src/strategy/builtin/registry.js";
import { toCanonicalSignal } from "../../src/strategy/builtin/to-canonical-signal.js";

/**
 * The candle fetcher (MARKET_DATA_EXCHANGE) against a local exchange serving real BTC/USDT hours,
 * shifted so that row `split - 1` is the last to have closed when the test starts; the exchange
 * already holds a few rows more, which the fetcher takes only once the gateway's clock has them closed. The RSI strategy
 * over every row, from the first, says what the feed must say on the rows fetched later.
 */
const HOUR = 3_600_000;
const ROWS = readFileSync(new URL("../fixtures/ohlcv/binance_BTCUSDT_1h_head3000.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1, 1001)
  .map((l) => l.split(","));
const RSI = BuiltinStrategySpecSchema.parse({ type: "rsi" });

type LedgerSignal = { id: string; signal: CanonicalSignal };

describe("the candle fetcher", () => {
  const clock = new OffsetClock();
  let x: TestExchange;
  let t: TestApp;
  let feed: CreatedStrategy;
  let base: number;
  let split: number;
  let expected: Array<{ index: number; signal: CanonicalSignal }>;
  const openTime = (i: number) => base + i * HOUR;

  beforeAll(async () => {
    // What the strategy says on each row, over all of them; the test fetches a window holding the first after row 500.
    const strategy = createBarStrategy(RSI);
    const said = ROWS.flatMap((r, index) => {
      const bar: Bar = { time: index * HOUR, open: Number(r[1]), high: Number(r[2]), low: Number(r[3]), close: Number(r[4]), volume: Number(r[5]) };
      const s = strategy.onBar(bar);
      return s ? [{ index, said: s }] : [];
    });
    const first = said.find((s) => s.index >= 500);
    if (!first) throw new Error("the fixture has no RSI signal after row 500");
    split = first.index - 5;
    base = lastClosedOpenTime(Date.now(), "1h") - (split - 1) * HOUR;
    expected = said
      .filter((s) => s.index >= split && s.index < split + 10)
      .map(({ index, said: s }) => {
        const r = ROWS[index] as string[];
        const bar: Bar = { time: openTime(index), open: Number(r[1]), high: Number(r[2]), low: Number(r[3]), close: Number(r[4]), volume: Number(r[5]) };
        return { index, signal: toCanonicalSignal("BTC/USDT", bar, HOUR, s) };
      });

    x = await startTestExchange({ apiKey: "fetcher-key", secret: "fetcher-secret" });
    x.seedKlines(
      "BTCUSDT",
      "1h",
      ROWS.slice(0, split + 12).map((r, i) => ({ openTime: openTime(i), open: r[1] as string, high: r[2] as string, low: r[3] as string, close: r[4] as string, volume: r[5] as string })),
    );
    t = await startTestApp({ MARKET_DATA_EXCHANGE: "binance", MARKET_DATA_API_URL: x.url, CANDLE_FEED_POLL_MS: "0", PAPER_PRICE_POLL_MS: "0", EXCHANGE_TIMEOUT_MS: "2000" }, { clock });
    feed = await createStrategy(t, { candleFeed: { strategy: { type: "rsi" }, timeframe: "1h", symbols: ["BTC/USDT"] }, riskLimits: { maxOpenPositions: null } });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await x?.close();
  });

  const ledger = () => listAll<LedgerSignal>(t, "/v1/signals", { strategy: feed.id });

  it("first fetches the feed's warm-up, and trades none of that history", async () => {
    expect(expected.length).toBeGreaterThan(0);
    const pass = await t.services.candleFetcher.runOnce();
    // RSI(14)'s warm-up: the bars its average needs to forget its seed (src/strategy/feed/warmup.ts).
    expect(pass).toMatchObject({ series: 1, failed: 0 });
    expect(pass.stored).toBeGreaterThanOrEqual(200);
    const stored = await listAll<{ openTime: string }>(t, "/v1/candles", { symbol: "BTC/USDT", timeframe: "1h" });
    expect(stored).toHaveLength(pass.stored);
    expect(Math.max(...stored.map((c) => Date.parse(c.openTime)))).toBe(openTime(split - 1));
    expect(await ledger()).toEqual([]);
    // Nothing new has closed: the next pass asks for nothing.
    expect(await t.services.candleFetcher.runOnce()).toEqual({ series: 1, stored: 0, failed: 0 });
  });

  it("then fetches what closes, and the feed says on it what the strategy says over the whole history", async () => {
    clock.advance(10 * HOUR);
    expect(await t.services.candleFetcher.runOnce()).toEqual({ series: 1, stored: 10, failed: 0 });
    const signals = await ledger();
    const got = signals.map((s) => s.signal).sort((a, b) => Date.parse(a.sourceTime as string) - Date.parse(b.sourceTime as string));
    expect(got.map((s) => [s.intent, s.referencePrice, s.sourceTime])).toEqual(expected.map((e) => [e.signal.intent, e.signal.referencePrice, e.signal.sourceTime]));
    // And they trade like any signal.
    for (const s of signals) expect((await waitProcessed(t, s.id)).status).toBe("processed");
  });

  it("keeps what it has when the exchange fails, and the next pass resumes", async () => {
    const before = (await ledger()).length;
    // Four attempts per page (a 503 is retried with backoff), all refused.
    x.faults.inject({ kind: "status", status: 503 }, { match: { path: "/api/v3/klines" }, times: 4 });
    clock.advance(2 * HOUR);
    expect(await t.services.candleFetcher.runOnce()).toEqual({ series: 1, stored: 0, failed: 1 });
    expect(t.logs.lines().some((l) => l.msg === "candle fetch failed; the next pass resumes after what was stored" && l.reason === "VENUE_UNAVAILABLE")).toBe(true);
    expect((await ledger()).length).toBe(before);
    // The two hours that closed meanwhile come with the next pass.
    expect(await t.services.candleFetcher.runOnce()).toEqual({ series: 1, stored: 2, failed: 0 });
  });
});

describe("without MARKET_DATA_EXCHANGE", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("candle feeds are fed by imports only: a fetcher pass does nothing", async () => {
    await createStrategy(t, { candleFeed: { strategy: { type: "rsi" }, timeframe: "1h", symbols: ["BTC/USDT"] } });
    expect(await t.services.candleFetcher.runOnce()).toEqual({ series: 0, stored: 0, failed: 0 });
  });
});
