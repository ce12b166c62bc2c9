import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The app first: the built-in registry's schemas must be built after @hono/zod-openapi extends zod.
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { startTestExchange, type TestExchange } from "../exchange/server.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { parseExposition } from "../helpers/prometheus-text.js";
import { startMarketDataApp, type MarketDataApp } from "../helpers/market-data-app.js";
import type { Receiver } from "./notifications-receivers.js";
import { listAll, OffsetClock, waitProcessed } from "../helpers/trading.js";
import type { CanonicalSignal } from "../../src/domain/signal.js";
import { lastClosedOpenTime } from "../../src/market-data/candle-fetcher.js";
import type { Bar } from "../../src/strategy/builtin/bar-strategy.js";
import { BuiltinStrategySpecSchema, createBarStrategy } from "../../src/strategy/builtin/registry.js";
import { toCanonicalSignal } from "../../src/strategy/builtin/to-canonical-signal.js";

/**
 * The candle fetcher (MARKET_DATA_EXCHANGE) against a local exchange serving real BTC/USDT hours,
 * shifted so that row SPLIT - 1 is the last to have closed when the test starts; the exchange
 * already holds rows up to SPLIT + 20, which the fetcher takes only once the gateway's clock has them
 * closed. The RSI strategy over every row, from the first, says what the feed must say: it crosses on
 * rows 714 (fetched hour by hour) and 720 (closed during an outage, so never traded).
 */
const HOUR = 3_600_000;
const ROWS = readFileSync(new URL("../fixtures/ohlcv/binance_BTCUSDT_1h_head3000.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1, 1001)
  .map((l) => l.split(","));
const RSI = BuiltinStrategySpecSchema.parse({ type: "rsi" });
const SPLIT = 710;

type LedgerSignal = { id: string; signal: CanonicalSignal };

describe("the candle fetcher", () => {
  const clock = new OffsetClock();
  let x: TestExchange;
  let t: TestApp;
  let hook: Receiver;
  let app: MarketDataApp;
  let feed: CreatedStrategy;
  let base: number;
  let said: Array<{ index: number; signal: CanonicalSignal }>;
  const openTime = (i: number) => base + i * HOUR;
  const barAt = (i: number): Bar => {
    const r = ROWS[i] as string[];
    return { time: openTime(i), open: Number(r[1]), high: Number(r[2]), low: Number(r[3]), close: Number(r[4]), volume: Number(r[5]) };
  };
  /** What the strategy, over every row from the first, says on rows [from, to). */
  const saidOn = (from: number, to: number) => said.filter((s) => s.index >= from && s.index < to).map((s) => s.signal);

  beforeAll(async () => {
    base = lastClosedOpenTime(Date.now(), "1h") - (SPLIT - 1) * HOUR;
    const strategy = createBarStrategy(RSI);
    said = ROWS.flatMap((_, index) => {
      const s = strategy.onBar(barAt(index));
      return s ? [{ index, signal: toCanonicalSignal("BTC/USDT", barAt(index), HOUR, s) }] : [];
    });

    x = await startTestExchange({ apiKey: "fetcher-key", secret: "fetcher-secret" });
    x.seedKlines(
      "BTCUSDT",
      "1h",
      ROWS.slice(0, SPLIT + 21).map((r, i) => ({ openTime: openTime(i), open: r[1] as string, high: r[2] as string, low: r[3] as string, close: r[4] as string, volume: r[5] as string })),
    );
    app = await startMarketDataApp({ x, events: ["candle_feed.unhealthy"], clock });
    t = app.t;
    hook = app.hook;
    feed = await createStrategy(t, { candleFeed: { strategy: { type: "rsi" }, timeframe: "1h", symbols: ["BTC/USDT"] }, riskLimits: { maxOpenPositions: null } });
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    await x?.close();
  });

  // What every pass of this block did, summed: GET /metrics must say the same.
  const tally = { stored: 0, failed: 0 };
  const fetchPass = async () => {
    const done = await t.services.candleFetcher.runOnce();
    tally.stored += done.stored;
    tally.failed += done.failed;
    return done;
  };
  const ledger = async () => {
    const rows = await listAll<LedgerSignal>(t, "/v1/signals", { strategy: feed.id });
    return rows.sort((a, b) => Date.parse(a.signal.sourceTime as string) - Date.parse(b.signal.sourceTime as string));
  };
  const essentials = (signals: CanonicalSignal[]) => signals.map((s) => [s.intent, s.referencePrice, s.sourceTime]);

  it("first fetches the feed's warm-up, and trades none of that history", async () => {
    // The data this test rests on: crossings in the hours fetched one by one and during the outage, none just before.
    expect(saidOn(SPLIT, SPLIT + 10)).not.toEqual([]);
    expect(saidOn(SPLIT + 10, SPLIT + 13)).not.toEqual([]);
    expect(saidOn(SPLIT - 2, SPLIT)).toEqual([]);
    const pass = await fetchPass();
    // RSI(14)'s warm-up: the bars its average needs to forget its seed (src/strategy/feed/warmup.ts).
    expect(pass).toMatchObject({ series: 1, failed: 0 });
    expect(pass.stored).toBeGreaterThanOrEqual(200);
    const stored = await listAll<{ openTime: string }>(t, "/v1/candles", { symbol: "BTC/USDT", timeframe: "1h" });
    expect(stored).toHaveLength(pass.stored);
    expect(Math.max(...stored.map((c) => Date.parse(c.openTime)))).toBe(openTime(SPLIT - 1));
    expect(await ledger()).toEqual([]);
    // Nothing new has closed: the next pass asks for nothing.
    expect(await fetchPass()).toEqual({ series: 1, stored: 0, failed: 0 });
  });

  it("then fetches each hour as it closes, and the feed says on it what the strategy says over the whole history", async () => {
    for (let hour = 0; hour < 10; hour++) {
      clock.advance(HOUR);
      expect(await fetchPass()).toEqual({ series: 1, stored: 1, failed: 0 });
    }
    const signals = await ledger();
    expect(essentials(signals.map((s) => s.signal))).toEqual(essentials(saidOn(SPLIT, SPLIT + 10)));
    // The strategy says how far its feed has got: every stored candle fed.
    const strategy = await t.http.get(`/v1/strategies/${feed.id}`).set(t.auth());
    const through = new Date(openTime(SPLIT + 9)).toISOString();
    expect(strategy.body.candleFeedProgress).toEqual([{ symbol: "BTC/USDT", timeframe: "1h", fedThrough: through, newestCandle: through }]);
    // And they trade like any signal.
    for (const s of signals) expect((await waitProcessed(t, s.id)).status).toBe("processed");
  });

  it("after an outage, stores what closed meanwhile but trades only the fresh hours (two timeframes)", async () => {
    const before = (await ledger()).length;
    clock.advance(5 * HOUR);
    expect(await fetchPass()).toEqual({ series: 1, stored: 5, failed: 0 });
    const added = (await ledger()).slice(before).map((s) => s.signal);
    // Rows SPLIT + 10 to + 12 closed more than two hours ago: row 720's crossing is not traded.
    expect(essentials(added)).toEqual(essentials(saidOn(SPLIT + 13, SPLIT + 15)));
    expect(t.logs.lines().some((l) => l.msg === "candle feed resumes at fresh candles; the ones it missed are not traded" && l.strategyId === feed.id)).toBe(true);
  });

  it("keeps what it has when the exchange fails, and the next pass resumes", async () => {
    const before = (await ledger()).length;
    // Four attempts per page (a 503 is retried with backoff), all refused, on two passes.
    x.faults.inject({ kind: "status", status: 503 }, { match: { path: "/api/v3/klines" }, times: 8 });
    clock.advance(2 * HOUR);
    expect(await fetchPass()).toEqual({ series: 1, stored: 0, failed: 1 });
    expect(await fetchPass()).toEqual({ series: 1, stored: 0, failed: 1 });
    expect(t.logs.lines().some((l) => l.msg === "candle fetch failed; the next pass resumes after what was stored" && l.reason === "VENUE_UNAVAILABLE")).toBe(true);
    expect((await ledger()).length).toBe(before);
    // One notification for the failure, not one per pass.
    await t.services.notifications.dispatcher.runOnce();
    expect(hook.json<{ type: string; data: Record<string, unknown> }>().map((e) => [e.type, e.data.exchange, e.data.symbol, e.data.timeframe, e.data.reason])).toEqual([
      ["candle_feed.unhealthy", "binance", "BTC/USDT", "1h", "VENUE_UNAVAILABLE"],
    ]);
    // The two hours that closed meanwhile come with the next pass.
    expect(await fetchPass()).toEqual({ series: 1, stored: 2, failed: 0 });
  });

  it("counts on GET /metrics the candles it stored and the fetches that failed", async () => {
    const samples = parseExposition((await t.http.get("/metrics")).text);
    const value = (name: string) => samples.find((m) => m.name === name)?.value;
    expect({ stored: value("signal_gateway_market_candles_stored_total"), failed: value("signal_gateway_market_candle_fetch_failures_total") }).toEqual(tally);
    expect(tally.failed).toBe(2);
  });
});

describe("the candle fetcher on a perpetual", () => {
  let x: TestExchange;
  let app: MarketDataApp;
  afterAll(async () => {
    await app?.close();
    await x?.close();
  });

  it("fetches a swap symbol's candles from the exchange's futures market", async () => {
    const base = lastClosedOpenTime(Date.now(), "1h") - 499 * HOUR;
    x = await startTestExchange({ apiKey: "fetcher-key", secret: "fetcher-secret" });
    const rows = ROWS.slice(0, 500).map((r, i) => ({ openTime: base + i * HOUR, open: r[1] as string, high: r[2] as string, low: r[3] as string, close: r[4] as string, volume: r[5] as string }));
    x.seedKlines("BTCUSDT", "1h", rows);
    app = await startMarketDataApp({ x, events: ["candle_feed.unhealthy"] });
    const t = app.t;
    await createStrategy(t, { candleFeed: { strategy: { type: "rsi" }, timeframe: "1h", symbols: ["BTC/USDT:USDT"] } });
    const pass = await t.services.candleFetcher.runOnce();
    expect(pass).toMatchObject({ series: 1, failed: 0 });
    expect(pass.stored).toBeGreaterThanOrEqual(200);
    expect(x.requests().some((r) => r.path === "/fapi/v1/klines")).toBe(true);
    const stored = await listAll<{ openTime: string; close: string }>(t, "/v1/candles", { symbol: "BTC/USDT:USDT", timeframe: "1h" });
    expect(stored.at(-1)).toMatchObject({ openTime: new Date(base + 499 * HOUR).toISOString(), close: String(Number(ROWS[499]?.[4])) });
  }, 30_000);
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
