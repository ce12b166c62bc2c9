import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Exchange } from "ccxt";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listCandleRows } from "../../src/db/repositories/candles-repository.js";
import { publicExchangeClient } from "../../src/market-data/exchange-client.js";
import { CandleFetchError, fetchCandles, type FetchCandlesInput } from "../../src/market-data/fetch-candles.js";
import { importExchangeCandles } from "../../src/market-data/import-exchange-candles.js";
import type { KlineSeed } from "../exchange/klines.js";
import { startTestExchange, type TestExchange, type TestExchangeOptions } from "../exchange/server.js";
import { freePort } from "../helpers/gateway-process.js";
import { openTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { runScript } from "./cli-process.js";

const HOUR = 3_600_000;
/** The first 60 hourly BTC/USDT candles of the fixture, as published: the exact text fetched candles must come back as. */
const FIXTURE: KlineSeed[] = readFileSync(new URL("../fixtures/ohlcv/binance_BTCUSDT_1h_head3000.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1, 61)
  .map((line) => {
    const [t, open, high, low, close, volume] = line.split(",") as [string, string, string, string, string, string];
    return { openTime: Number(t), open, high, low, close, volume };
  });
const T0 = FIXTURE[0]!.openTime;
const at = (i: number) => T0 + i * HOUR;

let exchange: TestExchange;
let nowMs: number;
let waits: number[];

async function start(overrides: Partial<TestExchangeOptions> = {}, seed: readonly KlineSeed[] = FIXTURE) {
  nowMs = Date.parse("2025-06-01T00:00:10Z");
  waits = [];
  exchange = await startTestExchange({ apiKey: "unused", secret: "unused", clock: () => nowMs, ...overrides });
  exchange.seedKlines("BTCUSDT", "1h", seed);
}
afterEach(() => exchange?.close());

function client(): Exchange {
  return publicExchangeClient({ exchange: "binance", symbol: "BTC/USDT", sandbox: true, apiBaseUrl: exchange.url, timeoutMs: 2_000 });
}

/** The injected sleep records each wait and moves the exchange's clock: nothing waits in real time. */
const input = (overrides: Partial<FetchCandlesInput> = {}): FetchCandlesInput => ({
  exchange: client(),
  symbol: "BTC/USDT",
  timeframe: "1h",
  from: T0,
  to: at(29),
  now: () => nowMs,
  sleep: async (ms) => {
    waits.push(ms);
    nowMs += ms;
  },
  random: () => 0,
  retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 },
  ...overrides,
});

/** Each klines request's startTime (as an index from T0) and limit. */
function klineRequests() {
  return exchange
    .requests()
    .filter((r) => r.path === "/api/v3/klines")
    .map((r) => {
      const q = new URLSearchParams(r.query);
      return { start: (Number(q.get("startTime")) - T0) / HOUR, limit: Number(q.get("limit")) };
    });
}

const asFetched = (rows: readonly KlineSeed[]) => rows.map(({ openTime, open, high, low, close, volume }) => ({ openTime, open, high, low, close, volume }));

describe("fetchCandles through ccxt's binance against the test exchange", () => {
  it("pages with a small limit, each page starting past the last candle and never asking past `to`", async () => {
    await start();
    const pages: number[] = [];
    const { candles, stats } = await fetchCandles(input({ limit: 7, onPage: (p) => pages.push(p.candles.length) }));
    expect(klineRequests()).toEqual([
      { start: 0, limit: 7 },
      { start: 7, limit: 7 },
      { start: 14, limit: 7 },
      { start: 21, limit: 7 },
      { start: 28, limit: 2 },
    ]);
    expect(pages).toEqual([7, 7, 7, 7, 2]);
    // ccxt hands back numbers; the shortest decimal text of each is what Binance published.
    expect(candles).toEqual(asFetched(FIXTURE.slice(0, 30)));
    expect(stats).toEqual({ pages: 5, requests: 5, received: 30, kept: 30, overlaps: 0, outside: 0 });
  });

  it("stops at the first empty page when the exchange has less than the range", async () => {
    await start();
    const { candles } = await fetchCandles(input({ to: at(500), limit: 25 }));
    expect(klineRequests()).toEqual([
      { start: 0, limit: 25 },
      { start: 25, limit: 25 },
      { start: 50, limit: 25 },
      { start: 60, limit: 25 },
    ]);
    expect(candles).toHaveLength(60);
  });

  it("leaves out the candle still forming and never asks for it", async () => {
    await start();
    nowMs = at(10) + 30 * 60_000;
    const { candles } = await fetchCandles(input({ to: at(40), limit: 25 }));
    expect(klineRequests()).toEqual([{ start: 0, limit: 10 }]);
    expect(candles.map((c) => c.openTime)).toEqual(FIXTURE.slice(0, 10).map((k) => k.openTime));
  });

  it("starts at the first open time of the grid at or after an unaligned `from`", async () => {
    await start();
    const { candles } = await fetchCandles(input({ from: T0 + 1, to: at(3) }));
    expect(klineRequests()).toEqual([{ start: 1, limit: 3 }]);
    expect(candles.map((c) => c.openTime)).toEqual([at(1), at(2), at(3)]);
  });

  it("drops candles an exchange repeats across overlapping pages", async () => {
    await start();
    const overlapping = client();
    // An exchange whose pages restart two bars early, as some do around their own paging.
    const original = overlapping.fetchOHLCV.bind(overlapping);
    overlapping.fetchOHLCV = (symbol, timeframe, since, limit, params) => original(symbol, timeframe, since! > T0 ? since! - 2 * HOUR : since, limit, params);
    const { candles, stats } = await fetchCandles(input({ exchange: overlapping, limit: 10 }));
    // Each request after the first starts two bars early; the last asks for two more so it still ends at `to`.
    expect(klineRequests()).toEqual([
      { start: 0, limit: 10 },
      { start: 8, limit: 10 },
      { start: 16, limit: 10 },
      { start: 24, limit: 6 },
    ]);
    expect(candles).toEqual(asFetched(FIXTURE.slice(0, 30)));
    expect(stats.overlaps).toBe(6);
  });

  it("waits out a 429 for as long as Retry-After says, and retries a 503", async () => {
    // 20 for exchangeInfo and 2 per klines request: the fourth page finds the minute's weight spent.
    await start({ requestWeightPerMinute: 26 });
    exchange.faults.serverError(503, { match: { path: "/api/v3/klines" } });
    const { candles, stats } = await fetchCandles(input({ limit: 7 }));
    expect(candles).toEqual(asFetched(FIXTURE.slice(0, 30)));
    // The 503 waits the first backoff (0 with this random); the 429 the 50 s left in the minute.
    expect(waits).toEqual([0, 50_000]);
    expect(stats).toMatchObject({ pages: 5, requests: 7 });
    expect(exchange.requests().filter((r) => r.path === "/api/v3/klines")).toHaveLength(7);
  });

  it("gives up with a CandleFetchError naming the reason: a bad symbol at once, a dead network after the retries", async () => {
    await start();
    const bad = await fetchCandles(input({ symbol: "DOGE/USDT" })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(CandleFetchError);
    expect(bad).toMatchObject({ attempts: 1, failure: { kind: "rejected", reason: "VENUE_BAD_SYMBOL" } });

    const closed = publicExchangeClient({ exchange: "binance", symbol: "BTC/USDT", apiBaseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000 });
    const down = await fetchCandles(input({ exchange: closed })).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(CandleFetchError);
    expect(down).toMatchObject({ attempts: 4, failure: { kind: "transient", reason: "VENUE_NETWORK" } });
    expect((down as Error).message).toMatch(/^fetching BTC\/USDT 1h candles from 2025-04-30T00:00:00.000Z failed after 4 attempts: VENUE_NETWORK/);
    expect(waits).toHaveLength(3);
  });
});

describe("importExchangeCandles", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.dispose());
  beforeEach(async () => {
    // Bars 10 and 11 missing, bar 5 sent twice with another close, bar 20 with its high under its close.
    const seed = FIXTURE.slice(0, 30).flatMap((k, i): KlineSeed[] => {
      if (i === 10 || i === 11) return [];
      if (i === 5) return [k, { ...k, close: k.high }];
      if (i === 20) return [{ ...k, high: k.low }];
      return [k];
    });
    await start({}, seed);
  });

  it("stores the range through the CSV importer and reports gaps, repeats and OHLC inconsistencies", async () => {
    const result = await importExchangeCandles({ ctx: { db: db.database.db }, input: { ...input({ symbol: "BTC/USDT", limit: 10 }) } });
    expect(result.error).toBeNull();
    expect(result.fetch).toMatchObject({ received: 29, kept: 29 });
    const { report } = result;
    expect(report).toMatchObject({ symbol: "BTC/USDT", timeframe: "1h", rowsRead: 29, validRows: 27, imported: 27, updated: 0, alreadyStored: 0 });
    expect(report.first).toBe(new Date(T0).toISOString());
    expect(report.last).toBe(new Date(at(29)).toISOString());
    expect(report.duplicatesInFile).toMatchObject({ count: 1, items: [{ line: 7, firstLine: 6, openTime: new Date(at(5)).toISOString(), identical: false }] });
    expect(report.ohlcInconsistencies).toMatchObject({ count: 1, items: [{ openTime: new Date(at(20)).toISOString() }] });
    expect(report.gaps).toMatchObject({ count: 2, missingBars: 3, largest: { from: new Date(at(10)).toISOString(), to: new Date(at(11)).toISOString(), missingBars: 2 } });

    const rows = await listCandleRows(db.database.db, { symbol: "BTC/USDT", timeframe: "1h", limit: 100 });
    const kept = FIXTURE.slice(0, 30).filter((_, i) => i !== 10 && i !== 11 && i !== 20);
    expect(rows.map((r) => r.openTime.getTime())).toEqual(kept.map((k) => k.openTime));
    // The first of the repeated bar is kept; prices are stored as the exchange published them.
    expect(rows.map((r) => [r.open, r.high, r.low, r.close, r.volume].map(Number))).toEqual(kept.map((k) => [k.open, k.high, k.low, k.close, k.volume].map(Number)));

    const again = await importExchangeCandles({ ctx: { db: db.database.db }, input: input({ limit: 10 }) });
    expect(again.report).toMatchObject({ imported: 0, updated: 0, alreadyStored: 27 });
  });

  it("keeps what came before a page that failed for good, and returns the error", async () => {
    await db.database.db.execute(sql`delete from candles`);
    const failing = input({
      limit: 10,
      retry: { maxAttempts: 2 },
      // The first page arrives; every request after it fails.
      onPage: (p) => p.page === 1 && exchange.faults.serverError(500, { match: { path: "/api/v3/klines" }, times: 10 }),
    });
    const result = await importExchangeCandles({ ctx: { db: db.database.db }, input: failing });
    expect(result.error).toBeInstanceOf(CandleFetchError);
    expect(result.error?.message).toMatch(/from 2025-04-30T09:00:00.000Z failed after 2 attempts: VENUE_UNAVAILABLE/);
    // Bars 0 to 8, bar 5 twice: nine stored, the report says so.
    expect(result.report).toMatchObject({ rowsRead: 10, imported: 9 });
    expect(await listCandleRows(db.database.db, { symbol: "BTC/USDT", timeframe: "1h", limit: 100 })).toHaveLength(9);
  });
});

describe("npm run candles:fetch", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "candles-fetch-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: readonly string[]) => runScript("fetch-candles.ts", args, { cwd: dir, env: { DATA_DIR: join(dir, "data") } });
  const range = ["--exchange", "binance", "--symbol", "BTC/USDT", "--timeframe", "1h", "--from", new Date(T0).toISOString(), "--to", String(at(29))];

  it("fetches from the sandbox at --api-url into DATA_DIR and prints the quality report", async () => {
    await start({ clock: Date.now });
    const res = await run([...range, "--sandbox", "--api-url", exchange.url, "--limit", "7"]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      symbol: "BTC/USDT",
      rowsRead: 30,
      imported: 30,
      first: new Date(T0).toISOString(),
      last: new Date(at(29)).toISOString(),
      gaps: { count: 0 },
      fetch: { pages: 5, requests: 5, kept: 30 },
    });
    expect(klineRequests().map((r) => r.limit)).toEqual([7, 7, 7, 7, 2]);
    expect(res.stderr).toMatch(/30 imported, 0 updated, 0 already stored, .* 5 requests for 5 pages\n$/);
  });

  it("exits 1 with one line when the exchange cannot be reached", async () => {
    await start();
    const res = await run([...range, "--api-url", `http://127.0.0.1:${await freePort()}`]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/^candles:fetch: fetching BTC\/USDT 1h candles from 2025-04-30T00:00:00.000Z failed after 4 attempts: VENUE_NETWORK \(.*\)\n$/);
  });

  it("exits 1 with one line naming a bad argument", async () => {
    await start();
    const res = await run(["--exchange", "binance", "--symbol", "btcusdt", "--timeframe", "1h", "--from", "2025-01-01", "--to", "2025-01-02"]);
    expect(res).toEqual({ code: 1, stdout: "", stderr: "candles:fetch: --symbol must be a ccxt unified symbol such as BTC/USDT, not btcusdt\n" });
  });
});
