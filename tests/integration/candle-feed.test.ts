import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The app first: the built-in registry's schemas must be built after @hono/zod-openapi extends zod.
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { listAll, waitProcessed } from "../helpers/trading.js";
import { candleFeedCursors } from "../../src/db/schema/candle-feed-cursors.js";
import type { CanonicalSignal } from "../../src/domain/signal.js";
import type { Clock } from "../../src/lib/clock.js";
import type { IdSource } from "../../src/lib/ids.js";
import { importCandles } from "../../src/market-data/import-candles.js";
import type { Bar } from "../../src/strategy/builtin/bar-strategy.js";
import { BuiltinStrategySpecSchema, createBarStrategy } from "../../src/strategy/builtin/registry.js";
import { toCanonicalSignal } from "../../src/strategy/builtin/to-canonical-signal.js";
import { advanceCandleFeeds } from "../../src/strategy/feed/advance-candle-feeds.js";

const HOUR = 3_600_000;
const HEADER = "timestamp,open,high,low,close,volume";
const rowsOf = (file: string, n: number) =>
  readFileSync(new URL(`../fixtures/ohlcv/${file}`, import.meta.url), "utf8").trim().split("\n").slice(1, n + 1).map((l) => l.split(","));
const BTC = rowsOf("binance_BTCUSDT_1h_head3000.csv", 1000);
const ETH = rowsOf("binance_ETHUSDT_1h_head300.csv", 300);
const csv = (rows: string[][]) => [HEADER, ...rows.map((r) => r.join(","))].join("\n");

const RSI_FEED = (symbol: string) => ({ strategy: { type: "rsi" }, timeframe: "1h", symbols: [symbol] });
const RSI = BuiltinStrategySpecSchema.parse({ type: "rsi" });

type LedgerSignal = { id: string; source: string; format: string; alertId: string; receivedAt: string; signal: CanonicalSignal };

const barOf = (r: string[]): Bar => ({ time: Number(r[0]), open: Number(r[1]), high: Number(r[2]), low: Number(r[3]), close: Number(r[4]), volume: Number(r[5]) });

/** What a backtest's strategy says over these rows, from the first: the canonical signals, oldest first. */
function backtestSignals(symbol: string, rows: string[][]): CanonicalSignal[] {
  const strategy = createBarStrategy(RSI);
  return rows.flatMap((r) => {
    const bar = barOf(r);
    const said = strategy.onBar(bar);
    return said ? [toCanonicalSignal(symbol, bar, HOUR, said)] : [];
  });
}

let t: TestApp;
let started: number;
beforeAll(async () => {
  t = await startTestApp();
  started = Date.now();
});
afterAll(() => t.close());

const importCsv = async (symbol: string, body: string) => {
  const res = await t.http.post(`/v1/candles/import?symbol=${symbol}&timeframe=1h`).set(t.auth()).set("content-type", "text/csv").send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { imported: number; alreadyStored: number };
};

/** The strategy's ledger, oldest candle first. */
async function ledger(s: CreatedStrategy): Promise<LedgerSignal[]> {
  const rows = await listAll<LedgerSignal>(t, "/v1/signals", { strategy: s.id });
  return rows.sort((a, b) => Date.parse(a.signal.sourceTime as string) - Date.parse(b.signal.sourceTime as string));
}

describe("a built-in strategy on a candle feed", () => {
  let btc: CreatedStrategy;
  beforeAll(async () => {
    btc = await createStrategy(t, { candleFeed: RSI_FEED("BTC/USDT") });
  });

  it("stores the feed with the strategy's defaults filled in, and refuses a bad one with the field's path", async () => {
    const got = await t.http.get(`/v1/strategies/${btc.id}`).set(t.auth());
    expect(got.body.candleFeed).toEqual({ strategy: RSI, timeframe: "1h", symbols: ["BTC/USDT"] });
    // Nothing imported yet: the feed has passed no candle and none is stored.
    expect(got.body.candleFeedProgress).toEqual([{ symbol: "BTC/USDT", timeframe: "1h", fedThrough: null, newestCandle: null }]);
    const plain = await createStrategy(t);
    const plainView = (await t.http.get(`/v1/strategies/${plain.id}`).set(t.auth())).body;
    expect(plainView.candleFeed).toBeNull();
    expect(plainView).not.toHaveProperty("candleFeedProgress");

    const bad = await t.http
      .patch(`/v1/strategies/${plain.id}`)
      .set(t.auth())
      .send({ candleFeed: { strategy: { type: "rsi", params: { period: 1 } }, timeframe: "1h", symbols: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["candleFeed.strategy.params.period", "candleFeed.symbols"]);
  });

  it("commits, over two imports, exactly the signals a backtest's strategy gives over the same candles, each processed on paper", async () => {
    const expected = backtestSignals("BTC/USDT", BTC);
    const firstHalf = expected.filter((s) => Date.parse(s.sourceTime as string) <= Number(BTC[499]![0]) + HOUR);
    expect(firstHalf.length).toBeGreaterThan(3);
    expect(expected.length - firstHalf.length).toBeGreaterThan(3);

    await importCsv("BTC/USDT", csv(BTC.slice(0, 500)));
    expect((await ledger(btc)).map((s) => s.signal)).toEqual(firstHalf);
    await importCsv("BTC/USDT", csv(BTC.slice(500)));
    const stored = await ledger(btc);
    expect(stored.map((s) => s.signal)).toEqual(expected);

    for (const s of stored) {
      expect(s).toMatchObject({ source: "internal", format: "candle-feed" });
      expect(s.alertId).toBe(`candle-feed:BTC/USDT:1h:${new Date(Date.parse(s.signal.sourceTime as string) - HOUR).toISOString()}`);
      // Received when committed, not when the candle closed (a year and more before).
      expect(Date.parse(s.receivedAt)).toBeGreaterThanOrEqual(started - 1000);
    }
    const processed = [];
    for (const s of stored) processed.push(await waitProcessed(t, s.id));
    const entries = processed.filter((p) => p.trace.orders.some((o) => o.side === "buy" && o.fills.length > 0));
    expect(entries.length).toBeGreaterThan(0);
    expect(processed.every((p) => p.trace.orders.every((o) => o.status === "filled"))).toBe(true);
  });

  it("adds nothing when the same file is imported again", async () => {
    const before = (await ledger(btc)).length;
    const again = await importCsv("BTC/USDT", csv(BTC));
    expect(again).toMatchObject({ imported: 0, alreadyStored: 1000 });
    expect((await ledger(btc)).length).toBe(before);

    // Without its cursor, fed from the first candle again by two runs at once (two instances): still no repeat.
    const { db } = t.services.database;
    await db.delete(candleFeedCursors).where(eq(candleFeedCursors.strategyId, btc.id));
    const ctx = { db, clock: t.services.clock, ids: t.services.ids, logger: t.logs.logger, wakeWorkers: () => {} };
    const input = { symbol: "BTC/USDT", timeframe: "1h" } as const;
    const runs = await Promise.all([advanceCandleFeeds({ ctx, input }), advanceCandleFeeds({ ctx, input })]);
    expect(runs).toEqual([
      { strategies: 1, signals: 0, failed: 0 },
      { strategies: 1, signals: 0, failed: 0 },
    ]);
    expect((await ledger(btc)).length).toBe(before);
  });

  it("does not feed a candle older than its cursor nor one that opens later, and feeds the next closed one", async () => {
    // A candle that makes the strategy speak when it follows the file: a crash or, when the RSI is already low, a spike.
    const last = BTC[BTC.length - 1]!;
    const after = (factor: number, time: number) => {
      const close = (Number(last[4]) * factor).toFixed(2);
      return [String(time), last[4]!, factor > 1 ? close : last[4]!, factor > 1 ? last[4]! : close, close, "1"];
    };
    const next = Number(last[0]) + HOUR;
    const factor = [0.5, 2].find((f) => backtestSignals("BTC/USDT", [...BTC, after(f, next)]).length > backtestSignals("BTC/USDT", BTC).length);
    expect(factor).toBeDefined();
    const before = (await ledger(btc)).length;

    const older = after(factor!, Number(BTC[0]![0]) - HOUR);
    const later = after(factor!, Math.floor(Date.now() / HOUR) * HOUR + HOUR);
    const report = await importCsv("BTC/USDT", csv([older, later]));
    expect(report.imported).toBe(2);
    expect((await ledger(btc)).length).toBe(before);

    await importCsv("BTC/USDT", csv([after(factor!, next)]));
    const stored = await ledger(btc);
    expect(stored.length).toBe(before + 1);
    expect(stored.at(-1)!.signal).toEqual(backtestSignals("BTC/USDT", [...BTC, after(factor!, next)]).at(-1));
    expect(stored.every((s) => Date.parse(s.signal.sourceTime as string) <= next + HOUR)).toBe(true);
  });
});

describe("feeds that are disabled or cleared", () => {
  it("passes over a disabled strategy's candles, feeds it only what closes once enabled, and stops a cleared feed", async () => {
    const disabled = await createStrategy(t, { enabled: false, candleFeed: RSI_FEED("ETH/USDT") });
    const cleared = await createStrategy(t, { candleFeed: RSI_FEED("ETH/USDT") });
    const all = backtestSignals("ETH/USDT", ETH);
    const cut = Number(ETH[199]![0]) + HOUR;
    const early = all.filter((s) => Date.parse(s.sourceTime as string) <= cut);
    const late = all.filter((s) => Date.parse(s.sourceTime as string) > cut);
    expect(early.length).toBeGreaterThan(0);
    expect(late.length).toBeGreaterThan(0);

    await importCsv("ETH/USDT", csv(ETH.slice(0, 200)));
    expect(await ledger(disabled)).toEqual([]);
    expect((await ledger(cleared)).map((s) => s.signal)).toEqual(early);

    expect((await t.http.patch(`/v1/strategies/${disabled.id}`).set(t.auth()).send({ enabled: true })).status).toBe(200);
    const patched = await t.http.patch(`/v1/strategies/${cleared.id}`).set(t.auth()).send({ candleFeed: null });
    expect(patched.status).toBe(200);
    expect(patched.body.candleFeed).toBeNull();

    await importCsv("ETH/USDT", csv(ETH.slice(200)));
    // Rebuilt from the stored candles it was not fed, the strategy speaks on the new ones as a backtest would.
    expect((await ledger(disabled)).map((s) => s.signal)).toEqual(late);
    expect((await ledger(cleared)).map((s) => s.signal)).toEqual(early);

    // The feed and the webhook are two sources of one strategy.
    const alert = await t.http
      .post("/v1/signals")
      .set({ ...t.auth(), "content-type": "application/json" })
      .send(JSON.stringify({ strategy: disabled.key, symbol: "ETH/USDT", intent: { action: "close" } }));
    expect(alert.status).toBe(202);
  });
});

describe("a feed on a symbol the strategy does not trade", () => {
  it("stores each signal rejected with SYMBOL_NOT_ALLOWED, once", async () => {
    const s = await createStrategy(t, { allowedSymbols: ["BTC/USDT"], candleFeed: RSI_FEED("XRP/USDT") });
    const rows = ETH.slice(0, 200);
    await importCsv("XRP/USDT", csv(rows));
    await importCsv("XRP/USDT", csv(rows));
    const stored = await listAll<{ status: string; rejection: { reason: string } | null; alertId: string }>(t, "/v1/signals", { strategy: s.id });
    expect(stored.length).toBe(backtestSignals("XRP/USDT", rows).length);
    expect(stored.length).toBeGreaterThan(0);
    expect(new Set(stored.map((r) => r.alertId)).size).toBe(stored.length);
    for (const r of stored) expect(r).toMatchObject({ status: "rejected", rejection: { reason: "SYMBOL_NOT_ALLOWED" } });
  });
});

describe("the import's feed step, on an injected clock", () => {
  const at = (ms: number): Clock => ({ now: () => new Date(ms) });
  const importAt = (rows: string[][], clock: Clock, ids: IdSource = t.services.ids) =>
    importCandles({
      ctx: { db: t.services.marketData.db, feeds: { clock, ids, logger: t.logs.logger, wakeWorkers: () => t.services.processing.wake() } },
      input: {
        symbol: "SOL/USDT",
        timeframe: "1h",
        source: (async function* () {
          yield csv(rows);
        })(),
      },
    });

  it("feeds a candle once the clock has passed its close; a failed feed keeps the import's report and is retried by the next import", async () => {
    const sol = await createStrategy(t, { candleFeed: RSI_FEED("SOL/USDT") });
    const rows = BTC.slice(0, 300);
    const expected = backtestSignals("SOL/USDT", rows);
    const last = expected.at(-1)!;
    const k = rows.findIndex((r) => Number(r[0]) + HOUR === Date.parse(last.sourceTime as string));
    const closeOf = (i: number) => Number(rows[i]![0]) + HOUR;

    await importAt(rows.slice(0, k), at(closeOf(k - 1)));
    expect((await ledger(sol)).map((s) => s.signal)).toEqual(expected.slice(0, -1));

    // Stored a millisecond before it closes: not fed.
    expect(await importAt([rows[k]!], at(closeOf(k) - 1))).toMatchObject({ imported: 1 });
    expect((await ledger(sol)).length).toBe(expected.length - 1);

    // Closed now, but the feed cannot commit: the import answers as ever and the error is logged.
    const down: IdSource = {
      next: () => {
        throw new Error("id source down");
      },
    };
    expect(await importAt([rows[k]!], at(closeOf(k)), down)).toMatchObject({ imported: 0, alreadyStored: 1 });
    expect((await ledger(sol)).length).toBe(expected.length - 1);
    const failure = t.logs.lines().find((l) => l.msg === "candle feed failed; its cursor stays for the next import" && l.strategyId === sol.id);
    expect(failure).toMatchObject({ level: 50, symbol: "SOL/USDT", timeframe: "1h" });

    // The next import of the symbol retries from the cursor that stayed.
    await importAt([rows[k]!], at(closeOf(k)));
    expect((await ledger(sol)).map((s) => s.signal)).toEqual(expected);
  });
});
