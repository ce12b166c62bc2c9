import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy } from "../helpers/strategies.js";
import { finished, startGateway, waitForBacktest } from "./backtests-gateway.js";

const ETH_1H = readFileSync(new URL("../fixtures/ohlcv/binance_ETHUSDT_1h_head300.csv", import.meta.url), "utf8");
const FIRST = 1745971200000; // 2025-04-30T00:00Z, the fixture's first candle
const LAST = 1747047600000; // its 300th
const HOUR = 3_600_000;

let t: TestApp;
let readKey: string;

beforeAll(async () => {
  t = await startTestApp({ BACKTEST_TIMEOUT_SECONDS: "120", BACKTEST_MAX_CANDLES: "2000" });
  readKey = (await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "ro", scopes: ["read"] })).body.key;
  const imported = await t.http.post("/v1/candles/import?symbol=ETH/USDT&timeframe=1h").set(t.auth()).set("content-type", "text/csv").send(ETH_1H);
  expect(imported.body).toMatchObject({ imported: 300 });
});
afterAll(() => t.close());

const body = (overrides: Record<string, unknown> = {}) => ({
  strategy: { type: "sma-cross", params: { fast: 5, slow: 20 } },
  symbols: ["ETH/USDT"],
  timeframe: "1h",
  from: FIRST,
  to: LAST,
  ...overrides,
});
const submit = (payload: unknown, key?: string) => t.http.post("/v1/backtests").set(t.auth(key)).send(payload as object);

describe("POST /v1/backtests → a finished backtest", () => {
  let id: string;
  let done: Record<string, unknown> & { status: string };

  beforeAll(async () => {
    const res = await submit(body({ from: new Date(FIRST).toISOString(), startingCash: "5000", slippageBps: "2", fillModel: "this_close" }));
    expect(res.status).toBe(202);
    id = res.body.id;
    done = await waitForBacktest(t, id, finished);
  });

  it("answers 202 with the queued backtest, its Location and every default resolved", async () => {
    const again = await t.http.get(`/v1/backtests/${id}`).set(t.auth(readKey));
    expect(id).toMatch(/^bt_/);
    expect(again.body.request).toEqual({
      strategyId: null,
      strategy: { type: "sma-cross", params: { fast: 5, slow: 20, allowShort: false } },
      replay: false,
      config: {},
      symbols: ["ETH/USDT"],
      timeframe: "1h",
      from: "2025-04-30T00:00:00.000Z",
      to: "2025-05-12T11:00:00.000Z",
      startingCash: "5000",
      // ETH/USDT spot on the paper venue: 10 bps both ways.
      fees: { makerBps: "10", takerBps: "10" },
      slippageBps: "2",
      fillModel: "this_close",
      timeoutSeconds: 120,
    });
    const fresh = await submit(body());
    expect(fresh.status).toBe(202);
    expect(fresh.headers.location).toBe(`/v1/backtests/${fresh.body.id}`);
    expect(fresh.body).toMatchObject({ status: "queued", progress: 0, metrics: null, error: null, startedAt: null });
    await waitForBacktest(t, fresh.body.id, finished);
  });

  it("runs off the request path to success, with progress, metrics and a trades hash", () => {
    expect(done).toMatchObject({ status: "succeeded", progress: 1, candlesTotal: 300, candlesProcessed: 300, error: null });
    expect(done.metrics).toMatchObject({ startingCash: 5000 });
    expect(done.tradesHash).toMatch(/^[0-9a-f]{64}$/);
    expect(done.summary).toMatchObject({ candles: 300 });
    expect(done.tradesCount).toBeGreaterThan(1);
  });

  it("pages through every trade in order, exactly once", async () => {
    const seen: Array<{ seq: number; entryTime: string; exitTime: string; netPnl: string; realizedPnl: string; fees: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: typeof seen; nextCursor: string | null } } = await t.http
        .get(`/v1/backtests/${id}/trades?limit=1${cursor ? `&cursor=${cursor}` : ""}`)
        .set(t.auth(readKey));
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((s) => s.seq)).toEqual([...Array(done.tradesCount as number).keys()]);
    for (const trade of seen) {
      expect(Date.parse(trade.entryTime)).toBeGreaterThanOrEqual(FIRST);
      expect(Date.parse(trade.exitTime)).toBeLessThanOrEqual(LAST + HOUR);
      // Exact decimals survive the round trip through numeric columns.
      expect(trade.netPnl).toMatch(/^-?\d+(\.\d+)?$/);
    }
    const all = await t.http.get(`/v1/backtests/${id}/trades?limit=1000`).set(t.auth(readKey));
    expect(all.body).toMatchObject({ nextCursor: null });
    expect(all.body.data).toEqual(seen);
  });

  it("serves the equity curve within the range, at most 2000 points", async () => {
    const res = await t.http.get(`/v1/backtests/${id}/equity`).set(t.auth(readKey));
    expect(res.status).toBe(200);
    expect(res.body.time.length).toBe(res.body.equity.length);
    expect(res.body.time.length).toBeGreaterThan(1);
    expect(res.body.time.length).toBeLessThanOrEqual(2000);
    expect(res.body.time[0]).toBeGreaterThanOrEqual(FIRST);
    expect(res.body.time.at(-1)).toBeLessThanOrEqual(LAST + HOUR);
    expect(res.body.equity.at(-1)).toBeCloseTo((done.metrics as { finalEquity: number }).finalEquity, 6);
  });

  it("serves the HTML report under a CSP that allows only inline styles and data: images", async () => {
    const res = await t.http.get(`/v1/backtests/${id}/report`).set(t.auth(readKey));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["content-security-policy"]).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(res.text).toContain(id);
    expect(res.text).toContain("sma-cross(5,20)");
    expect(res.text).not.toMatch(/<script/i);
  });

  it("runs several symbols on one account, charging the dearest of their markets' fees by default", async () => {
    const perp = ETH_1H.replace(/^timestamp.*\n/, "");
    await t.http.post("/v1/candles/import?symbol=ETH/USDT:USDT&timeframe=1h").set(t.auth()).set("content-type", "text/csv").send(perp);
    const res = await submit(body({ symbols: ["ETH/USDT:USDT", "ETH/USDT"] }));
    expect(res.status).toBe(202);
    // The perpetual charges 2 / 5 bps, spot 10 / 10: the first symbol's would flatter the result.
    expect(res.body.request.fees).toEqual({ makerBps: "10", takerBps: "10" });
    expect(await waitForBacktest(t, res.body.id, finished)).toMatchObject({ status: "succeeded", candlesTotal: 600, candlesProcessed: 600 });
    const given = await submit(body({ symbols: ["ETH/USDT:USDT"], fees: { makerBps: "-1", takerBps: "4" } }));
    expect(given.body.request.fees).toEqual({ makerBps: "-1", takerBps: "4" });
    await waitForBacktest(t, given.body.id, finished);
  });

  it("lists backtests newest first, filtered by status, with a cursor", async () => {
    const first = await t.http.get("/v1/backtests?limit=1").set(t.auth(readKey));
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    const second = await t.http.get(`/v1/backtests?limit=1&cursor=${first.body.nextCursor}`).set(t.auth(readKey));
    expect(second.body.data[0].createdAt <= first.body.data[0].createdAt).toBe(true);
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    const succeeded = await t.http.get("/v1/backtests?status=succeeded&limit=500").set(t.auth(readKey));
    expect(succeeded.body.data.map((b: { id: string }) => b.id)).toContain(id);
    const failed = await t.http.get("/v1/backtests?status=failed").set(t.auth(readKey));
    expect(failed.body.data.map((b: { id: string }) => b.id)).not.toContain(id);
    expect((await t.http.get("/v1/backtests?cursor=bm9wZQ").set(t.auth(readKey))).body).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("cannot cancel a finished backtest (409)", async () => {
    const res = await t.http.post(`/v1/backtests/${id}/cancel`).set(t.auth());
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "CONFLICT", backtestStatus: "succeeded" });
  });
});

describe("POST /v1/backtests refusals", () => {
  it("reports every field error at once (400)", async () => {
    const res = await submit({ symbols: ["ethusdt", "ETH/USDT"], timeframe: "7m", from: "yesterday", to: LAST, fillModel: "vwap", extra: 1 });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["symbols.0", "timeframe", "from", "fillModel", "extra"]));
  });

  it("refuses from at or after to, a missing strategy, and a replay without a strategy id", async () => {
    const backwards = await submit(body({ from: LAST, to: FIRST }));
    expect(backwards.body.errors).toEqual([{ path: "to", message: "must be after from" }]);
    const none = await submit(body({ strategy: undefined }));
    expect(none.body.errors).toEqual([{ path: "strategy", message: "required unless replay is true" }]);
    const replay = await submit(body({ strategy: undefined, replay: true }));
    expect(replay.body.errors).toEqual([{ path: "strategyId", message: "required for a replay" }]);
  });

  it("refuses configuration fields that do not apply or do not parse, with their paths", async () => {
    const res = await submit(body({ config: { sizing: { type: "fixed_quote" }, mode: "live" } }));
    expect(res.status).toBe(400);
    // mode is not a backtest field: the paper venue is the only venue.
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["config.mode", "config.sizing.notional"]);
  });

  it("holds the request to the configured timeout and candle limits, reporting both at once", async () => {
    const res = await submit(body({ timeoutSeconds: 121, from: FIRST - 2000 * HOUR }));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["timeoutSeconds", "to"]);
    expect(res.body.errors.find((e: { path: string }) => e.path === "to").message).toContain("BACKTEST_MAX_CANDLES");
    // 2000 candles is the limit here: the fixture's 300 over two symbols would be 600, far inside it.
    expect((await submit(body({ timeoutSeconds: 120, symbols: ["ETH/USDT", "SOL/USDT"] }))).body.code).toBe("CANDLES_MISSING");
  });

  it("answers 404 for an unknown strategy id", async () => {
    const res = await submit(body({ strategyId: "stg_doesnotexist" }));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });

  it("answers 422 UNKNOWN_MARKET for a symbol the paper venue does not list", async () => {
    const res = await submit(body({ symbols: ["ETH/USDT", "PEPE/USDT"] }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "UNKNOWN_MARKET", errors: [{ path: "symbols.1" }] });
    expect(res.body.detail).toContain("PEPE/USDT");
  });

  it("answers 422 CANDLES_MISSING naming the symbol and the range", async () => {
    const res = await submit(body({ symbols: ["ETH/USDT", "SOL/USDT"] }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "CANDLES_MISSING", errors: [{ path: "symbols.1" }] });
    expect(res.body.errors[0].message).toBe("no 1h candles for SOL/USDT from 2025-04-30T00:00:00.000Z to 2025-05-12T11:00:00.000Z");
    const before = await submit(body({ from: FIRST - 100 * HOUR, to: FIRST - HOUR }));
    expect(before.body.code).toBe("CANDLES_MISSING");
  });

  it("stores nothing for a refused request", async () => {
    const before = (await t.http.get("/v1/backtests?limit=500").set(t.auth())).body.data.length;
    await submit(body({ symbols: ["SOL/USDT"] }));
    await submit(body({ strategyId: "stg_nope" }));
    expect((await t.http.get("/v1/backtests?limit=500").set(t.auth())).body.data.length).toBe(before);
  });
});

describe("a strategy's configuration and replay", () => {
  it("takes a stored strategy's configuration as the base and the request's fields over it", async () => {
    const s = await createStrategy(t, { sizing: { type: "fixed_quote", notional: "250" }, defaultStopLossPercent: "3" });
    const res = await submit(body({ strategyId: s.id, config: { defaultStopLossPercent: "1.5" } }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ strategyId: s.id, request: { strategyId: s.id, config: { defaultStopLossPercent: "1.5" } } });
    const listed = await t.http.get(`/v1/backtests?strategyId=${s.id}`).set(t.auth());
    expect(listed.body.data.map((b: { id: string }) => b.id)).toEqual([res.body.id]);
    await waitForBacktest(t, res.body.id, finished);
  });

  it("replays a strategy's recorded signals, by the time they were received, instead of a built-in", async () => {
    // On the ETH perpetual (ETHUSDT.P → ETH/USDT:USDT): the sell reverses the long into a short, and
    // spot cannot go short (on ETH/USDT the short entry would be denied, SPOT_SELL_EXCEEDS_HOLDINGS).
    // The perpetual's candles are the spot fixture's, imported under its symbol here (again, if an
    // earlier test did: a re-import of stored candles changes nothing), so every bar and time below
    // is as it was on spot. No number here depends on fees or amount steps.
    const perpCandles = await t.http.post("/v1/candles/import?symbol=ETH/USDT:USDT&timeframe=1h").set(t.auth()).set("content-type", "text/csv").send(ETH_1H);
    expect(perpCandles.status).toBe(200);
    expect(perpCandles.body.imported + perpCandles.body.updated + perpCandles.body.alreadyStored).toBe(300);
    const perp = { symbols: ["ETH/USDT:USDT"] };
    // Another instance whose clock reads inside the candles' range receives two alerts, as it would have then.
    let now = FIRST + 10 * HOUR;
    const then = await startGateway(t.db.database, { INSTANCE_ID: "then", BACKTEST_CONCURRENCY: "0" }, { clock: { now: () => new Date(now) } });
    const s = await createStrategy(t);
    try {
      const alert = (action: string) => then.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "ETHUSDT.P", action }));
      expect((await alert("buy")).status).toBe(202);
      now = FIRST + 100 * HOUR;
      expect((await alert("sell")).status).toBe(202);
    } finally {
      await then.close();
    }
    const res = await submit(body({ ...perp, strategy: undefined, replay: true, strategyId: s.id }));
    expect(res.status).toBe(202);
    expect(res.body.request).toMatchObject({ replay: true, strategy: null, strategyId: s.id, symbols: ["ETH/USDT:USDT"] });
    const ledger = (await t.http.get(`/v1/signals?strategy=${s.id}`).set(t.auth())).body.data;
    const recorded = ledger.filter((r: { status: string }) => r.status !== "rejected");
    expect(recorded.length).toBeGreaterThanOrEqual(2);
    const done = await waitForBacktest(t, res.body.id, finished);
    expect(done).toMatchObject({ status: "succeeded", tradesCount: 2 });
    expect((done.summary as { signals: number }).signals).toBeGreaterThanOrEqual(recorded.length);
    // Each alert fills at the open after the bar that closes when it was received: the long at +10 h,
    // reversed to a short by the sell at +100 h, which the end of the data closes.
    const trades = (await t.http.get(`/v1/backtests/${res.body.id}/trades`).set(t.auth())).body.data;
    const at = (hours: number) => new Date(FIRST + hours * HOUR).toISOString();
    expect(trades).toMatchObject([
      { side: "long", entryTime: at(10), exitTime: at(100), exitReason: "signal" },
      { side: "short", entryTime: at(100), exitReason: "end_of_data" },
    ]);

    // Outside the alerts' times there is nothing to replay (on the alerts' symbol, so the time is why).
    const early = await submit(body({ ...perp, strategy: undefined, replay: true, strategyId: s.id, to: FIRST + 5 * HOUR }));
    expect(await waitForBacktest(t, early.body.id, finished)).toMatchObject({ status: "succeeded", summary: { signals: 0 }, tradesCount: 0 });
    const both = await submit(body({ ...perp, replay: true, strategyId: s.id }));
    expect(both.body.errors).toEqual([{ path: "strategy", message: "a replay runs the recorded signals: not with a built-in strategy" }]);
  });
});

describe("auth and scopes", () => {
  it("needs a key for every route, write for submit and cancel, read for the rest", async () => {
    expect((await t.http.get("/v1/backtests")).status).toBe(401);
    expect((await t.http.post("/v1/backtests").send(body())).status).toBe(401);
    expect((await submit(body(), readKey)).status).toBe(403);
    expect((await t.http.post("/v1/backtests/bt_x/cancel").set(t.auth(readKey))).status).toBe(403);
    for (const path of ["/v1/backtests", "/v1/backtests/bt_missing", "/v1/backtests/bt_missing/trades", "/v1/backtests/bt_missing/equity", "/v1/backtests/bt_missing/report"]) {
      const res = await t.http.get(path).set(t.auth(readKey));
      expect([200, 404], path).toContain(res.status);
      expect((await t.http.get(path)).status, path).toBe(401);
    }
    expect((await t.http.post("/v1/backtests/bt_missing/cancel").set(t.auth())).body).toMatchObject({ code: "NOT_FOUND" });
  });
});
