import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// First: the app extends zod with `.openapi` (@hono/zod-openapi), which only schemas built after it get.
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { loadCandleSeries } from "../../src/backtest/jobs/load-candles.js";
import { searchParameters } from "../../src/backtest/research/search-parameters.js";
import { resolveConfig } from "../../src/backtest/service/backtest-spec.js";
import type { BacktestSpec } from "../../src/backtest/types.js";
import { dec } from "../../src/domain/decimal.js";
import { DEFAULT_STRATEGY_CONFIG } from "../../src/domain/strategy-config.js";
import { BuiltinStrategySpecSchema } from "../../src/strategy/builtin/registry.js";
import { auth, finished, startGateway, waitForBacktest, type Gateway } from "./backtests-gateway.js";

const ETH_1H = readFileSync(new URL("../fixtures/ohlcv/binance_ETHUSDT_1h_head300.csv", import.meta.url), "utf8");
const FIRST = 1745971200000; // 2025-04-30T00:00Z, the fixture's first candle
const LAST = 1747047600000; // its 300th
const HOUR = 3_600_000;
const SEARCH_HOLD_WORKER = new URL("./parameter-searches-hold-worker.ts", import.meta.url);

/**
 * `t` only queues (BACKTEST_CONCURRENCY 0), so a search stays queued until another instance on the
 * same database takes it: `runner` runs them for real, `hold` holds each one still while it runs.
 */
let t: TestApp;
let readKey: string;

beforeAll(async () => {
  t = await startTestApp({ BACKTEST_CONCURRENCY: "0", INSTANCE_ID: "queue-only", BACKTEST_TIMEOUT_SECONDS: "120" });
  readKey = (await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "ro", scopes: ["read"] })).body.key;
  const imported = await t.http.post("/v1/candles/import?symbol=ETH/USDT&timeframe=1h").set(t.auth()).set("content-type", "text/csv").send(ETH_1H);
  expect(imported.body).toMatchObject({ imported: 300 });
});
afterAll(() => t.close());

const SMA = { type: "sma-cross", params: { fast: 5, slow: 20 } };
const GRID = { fast: [3, 5], slow: { min: 15, max: 25, step: 10 } };
const body = (overrides: Record<string, unknown> = {}) => ({
  strategy: SMA,
  symbols: ["ETH/USDT"],
  timeframe: "1h",
  from: FIRST,
  to: LAST,
  method: "grid",
  space: GRID,
  fitness: { minTrades: 2 },
  topN: 2,
  ...overrides,
});
const submit = (payload: unknown, key?: string) => t.http.post("/v1/parameter-searches").set(t.auth(key)).send(payload as object);
const submitted = async (overrides: Record<string, unknown> = {}) => {
  const res = await submit(body(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
};

type Search = Record<string, unknown> & { status: string; progress: { phase: string | null; done: number; total: number } };

async function waitForSearch(id: string, until: (s: Search) => boolean, timeoutMs = 20_000): Promise<Search> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http.get(`/v1/parameter-searches/${id}`).set(auth);
    expect(res.status).toBe(200);
    if (until(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`parameter search ${id} never got there: ${JSON.stringify(res.body).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("POST /v1/parameter-searches refusals", () => {
  const paths = (res: { body: { errors: Array<{ path: string }> } }) => res.body.errors.map((e) => e.path).sort();

  it("reports every field error at once (400), the search options' among them", async () => {
    const res = await submit(body({ timeframe: "7m", method: "annealing", topN: 0, replay: true, seed: -1, split: { inSampleFraction: 1 } }));
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(["method", "replay", "seed", "split.inSampleFraction", "timeframe", "topN"]);
    const noStrategy = await submit(body({ strategy: undefined }));
    expect(paths(noStrategy)).toEqual(["strategy"]);
    // The options' cross-field rules come from SearchOptionsSchema.
    expect((await submit(body({ samples: 3 }))).body.errors).toEqual([{ path: "samples", message: "samples applies to random search only: a grid runs every combination" }]);
    const tooMany = await submit(body({ method: "random", samples: 9, maxCandidates: 8 }));
    expect(tooMany.body.errors).toEqual([{ path: "samples", message: "samples must be at most maxCandidates (8)" }]);
  });

  it("checks the space against the strategy type together with the configured limits", async () => {
    // 1m candles since 1970 are far over BACKTEST_MAX_CANDLES; 121 s over BACKTEST_TIMEOUT_SECONDS.
    const res = await submit(body({ space: { period: [14], fast: [2.5] }, timeoutSeconds: 121, timeframe: "1m", from: 0 }));
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(["space", "space.fast", "timeoutSeconds", "to"]);
    expect(res.body.errors.find((e: { path: string }) => e.path === "space").message).toContain("sma-cross has no searchable param period");
  });

  it("caps candles × candidates (RESEARCH_MAX_CANDLE_RUNS, 200 000 000 by default)", async () => {
    // 1m candles over four years are 2 103 841 bars: 100 candidates are 210 million candle runs, 90 are 189 million.
    const range = { timeframe: "1m", from: "2021-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z" };
    const over = await submit(body({ ...range, space: { fast: { min: 1, max: 10 }, slow: { min: 21, max: 30 } } }));
    expect(over.status).toBe(400);
    expect(over.body.errors).toHaveLength(1);
    expect(over.body.errors[0]).toMatchObject({ path: "space" });
    expect(over.body.errors[0].message).toContain("100 candidates over up to 2103841 candles are 210384100 candle runs; at most 200000000 (RESEARCH_MAX_CANDLE_RUNS)");
    const under = await submit(body({ ...range, space: { fast: { min: 1, max: 9 }, slow: { min: 21, max: 30 } } }));
    expect(under.body.code).toBe("CANDLES_MISSING");
  });

  it("answers 422 TOO_MANY_CANDIDATES for a grid over maxCandidates, naming its size", async () => {
    const res = await submit(body({ maxCandidates: 3 }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "TOO_MANY_CANDIDATES", errors: [{ path: "space", message: "4 combinations, at most 3" }] });
    expect(res.body.detail).toContain("(fast 2 × slow 2)");
  });

  it("answers 422 NO_VALID_CANDIDATES when the strategy refuses every combination", async () => {
    const res = await submit(body({ space: { fast: [9, 10], slow: [5] } }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "NO_VALID_CANDIDATES", errors: [{ path: "space", message: "2 × fast must be less than slow" }] });
  });

  it("answers 404, UNKNOWN_MARKET and CANDLES_MISSING as a backtest does", async () => {
    expect((await submit(body({ strategyId: "stg_doesnotexist" }))).body).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect((await submit(body({ symbols: ["ETH/USDT", "PEPE/USDT"] }))).body).toMatchObject({ status: 422, code: "UNKNOWN_MARKET", errors: [{ path: "symbols.1" }] });
    const missing = await submit(body({ symbols: ["ETH/USDT", "SOL/USDT"] }));
    expect(missing.body).toMatchObject({ status: 422, code: "CANDLES_MISSING" });
    expect(missing.body.errors).toEqual([{ path: "symbols.1", message: "no 1h candles for SOL/USDT from 2025-04-30T00:00:00.000Z to 2025-05-12T11:00:00.000Z" }]);
  });

  it("answers 422 SPLIT_EMPTY when the range's candles leave a side of the split empty", async () => {
    // Two candles: 0.7 of two slots rounds to one each side; one candle leaves the out-of-sample side empty.
    expect(await submitted({ to: FIRST + HOUR })).toMatch(/^ps_/);
    const res = await submit(body({ to: FIRST + HOUR - 1 }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "SPLIT_EMPTY", errors: [{ path: "split.inSampleFraction", message: "leaves the out-of-sample part empty" }] });
    expect((await submit(body({ to: FIRST + 9 * HOUR, split: { inSampleFraction: 0.01 } }))).body).toMatchObject({ code: "SPLIT_EMPTY" });
  });

  it("stores nothing for a refused request", async () => {
    const before = (await t.http.get("/v1/parameter-searches?limit=500").set(auth)).body.data.length;
    await submit(body({ symbols: ["SOL/USDT"] }));
    await submit(body({ maxCandidates: 1 }));
    expect((await t.http.get("/v1/parameter-searches?limit=500").set(auth)).body.data.length).toBe(before);
  });
});

describe("with no instance running jobs", () => {
  it("a queued search shows its request resolved, stays queued, and a cancel ends it before it starts", async () => {
    const res = await submit(body({ strategyId: undefined }));
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/v1/parameter-searches/${res.body.id}`);
    expect(res.body).toMatchObject({ status: "queued", candidates: 4, progress: { phase: null, done: 0, total: 0 }, result: null, rankingHash: null, error: null });
    expect(res.body.request).toEqual({
      strategyId: null,
      strategy: { type: "sma-cross", params: { fast: 5, slow: 20, allowShort: false } },
      config: {},
      symbols: ["ETH/USDT"],
      timeframe: "1h",
      from: "2025-04-30T00:00:00.000Z",
      to: "2025-05-12T11:00:00.000Z",
      startingCash: "10000",
      fees: { makerBps: "10", takerBps: "10" },
      slippageBps: "0",
      fillModel: "next_open",
      timeoutSeconds: 120,
      space: GRID,
      method: "grid",
      samples: null,
      seed: 1,
      split: { inSampleFraction: 0.7 },
      fitness: { weights: { profitFactor: 0.5, winRate: 0.2, maxDrawdown: 0.3 }, profitFactorCap: 3, minTrades: 2 },
      topN: 2,
      maxCandidates: 200,
    });
    const cancelled = await t.http.post(`/v1/parameter-searches/${res.body.id}/cancel`).set(t.auth());
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelRequested: true, startedAt: null });
    expect(cancelled.body.finishedAt).not.toBeNull();
    expect((await t.http.post(`/v1/parameter-searches/${res.body.id}/cancel`).set(t.auth())).body).toMatchObject({ status: 409, code: "CONFLICT", searchStatus: "cancelled" });
  });

  it("Monte Carlo over a backtest that has not succeeded is a 409", async () => {
    const queued = (await t.http.post("/v1/backtests").set(auth).send({ strategy: SMA, symbols: ["ETH/USDT"], timeframe: "1h", from: FIRST, to: LAST })).body.id;
    const res = await t.http.get(`/v1/backtests/${queued}/monte-carlo`).set(t.auth(readKey));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "CONFLICT", backtestStatus: "queued" });
    await t.http.post(`/v1/backtests/${queued}/cancel`).set(auth);
  });
});

describe("on an instance that runs them", () => {
  let runner: Gateway;
  beforeAll(async () => {
    runner = await startGateway(t.db.database, { INSTANCE_ID: "runner" });
  });
  afterAll(() => runner.close());

  it("runs a grid search to success, ranked exactly as searchParameters ranks it in process", async () => {
    const id = await submitted();
    const done = await waitForSearch(id, finished);
    expect(done).toMatchObject({ status: "succeeded", candidates: 4, error: null });
    const result = done.result as { ranking: Array<{ rank: number; params: unknown; outOfSample: unknown }>; counts: Record<string, number>; rankingHash: string };
    expect(result.counts).toMatchObject({ combinations: 4, run: 4, invalid: 0 });
    expect(result.ranking.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(done.progress).toEqual({ phase: "out_of_sample", done: result.counts.outOfSample, total: result.counts.outOfSample });
    expect(done.rankingHash).toBe(result.rankingHash);
    expect(done.result).toMatchObject({ split: { cutTime: new Date(FIRST + 210 * HOUR).toISOString(), inSample: { candles: 210 }, outOfSample: { candles: 90 } } });

    // The same inputs in process: the spec the request resolves to, the candles as the job loads them.
    const base: BacktestSpec = {
      symbols: ["ETH/USDT"],
      timeframe: "1h",
      from: FIRST,
      to: LAST,
      startingCash: "10000",
      makerFeeBps: "10",
      takerFeeBps: "10",
      slippageBps: "0",
      fillModel: "next_open",
      source: { kind: "builtin", spec: BuiltinStrategySpecSchema.parse(SMA) },
      config: (resolveConfig(DEFAULT_STRATEGY_CONFIG, undefined) as { ok: true; config: BacktestSpec["config"] }).config,
    };
    const series = [await loadCandleSeries(t.db.database, { symbol: "ETH/USDT", timeframe: "1h", from: FIRST, to: LAST })];
    const local = await searchParameters({ base, series, method: "grid", space: GRID, fitness: { minTrades: 2 }, topN: 2 });
    expect(result.rankingHash).toBe(local.rankingHash);
    expect(result.ranking[0]!.params).toEqual(local.ranking[0]!.params);
    expect(result.counts).toEqual(local.counts);

    const listed = await t.http.get("/v1/parameter-searches?status=succeeded").set(t.auth(readKey));
    expect(listed.body.data.map((s: { id: string }) => s.id)).toContain(id);
    expect(listed.body.data[0]).not.toHaveProperty("result");
    expect((await t.http.post(`/v1/parameter-searches/${id}/cancel`).set(t.auth())).status).toBe(409);
  });

  it("draws a random search from its seed: the same seed, the same ranking; another seed, other candidates", async () => {
    const random = (seed: number) => submitted({ method: "random", space: { fast: { min: 1, max: 10 }, slow: { min: 11, max: 30 } }, samples: 3, seed });
    const ids = [await random(7), await random(7), await random(8)];
    const [a, b, c] = await Promise.all(ids.map((id) => waitForSearch(id, finished)));
    const keys = (s: Search) => (s.result as { ranking: Array<{ key: string }> }).ranking.map((r) => r.key).sort();
    for (const s of [a!, b!, c!]) expect(s).toMatchObject({ status: "succeeded", candidates: 3, request: { samples: 3 }, result: { counts: { run: 3 } } });
    expect(a!.result).toMatchObject({ seed: 7 });
    expect(b!.rankingHash).toBe(a!.rankingHash);
    expect(keys(b!)).toEqual(keys(a!));
    expect(keys(c!)).not.toEqual(keys(a!));
  });

  it("lists newest first with a cursor and a status filter", async () => {
    const first = await t.http.get("/v1/parameter-searches?limit=1").set(t.auth(readKey));
    expect(first.body.data).toHaveLength(1);
    const second = await t.http.get(`/v1/parameter-searches?limit=1&cursor=${first.body.nextCursor}`).set(t.auth(readKey));
    expect(second.body.data[0].createdAt <= first.body.data[0].createdAt).toBe(true);
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    const cancelled = await t.http.get("/v1/parameter-searches?status=cancelled&limit=500").set(t.auth(readKey));
    expect(cancelled.body.data.length).toBeGreaterThan(0);
    expect(cancelled.body.data.every((s: { status: string }) => s.status === "cancelled")).toBe(true);
    expect((await t.http.get("/v1/parameter-searches?cursor=bm9wZQ").set(t.auth(readKey))).body).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("resamples a succeeded backtest's trades: ordered bands, seeded, observed return as the backtest's", async () => {
    const res = await t.http.post("/v1/backtests").set(auth).send({ strategy: SMA, symbols: ["ETH/USDT"], timeframe: "1h", from: FIRST, to: LAST });
    const backtest = await waitForBacktest(runner, res.body.id, finished);
    expect(backtest.status).toBe("succeeded");
    const mc = (query: string) => t.http.get(`/v1/backtests/${res.body.id}/monte-carlo${query}`).set(t.auth(readKey));
    const one = await mc("?iterations=500&seed=1");
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ backtestId: res.body.id, iterations: 500, seed: 1, trades: backtest.tradesCount, startingCash: "10000" });
    for (const band of [one.body.totalReturn, one.body.maxDrawdown]) {
      expect(band.p5).toBeLessThanOrEqual(band.p25);
      expect(band.p25).toBeLessThanOrEqual(band.p50);
      expect(band.p50).toBeLessThanOrEqual(band.p75);
      expect(band.p75).toBeLessThanOrEqual(band.p95);
      expect(band.p5).toBeLessThan(band.p95);
    }
    expect(one.body.observed.totalReturn).toBeCloseTo((backtest.metrics as { totalReturn: number }).totalReturn, 10);
    expect((await mc("?iterations=500&seed=1")).body).toEqual(one.body);
    const other = await mc("?iterations=500&seed=2");
    expect(other.body.totalReturn).not.toEqual(one.body.totalReturn);
    expect(other.body.observed).toEqual(one.body.observed);
    expect((await mc("")).body).toMatchObject({ iterations: 1000, seed: 1 });
    for (const bad of ["?iterations=0", "?iterations=20001", "?seed=-1", "?seed=4294967296"]) expect((await mc(bad)).status, bad).toBe(400);
  });
});

describe("Monte Carlo over many trades", () => {
  it("holds iterations × trades to 20 000 000: a lower default, and a 400 above it; the observed return exact", async () => {
    // 25 000 trades are too many to produce through the engine here: a succeeded backtest's rows, written directly.
    const id = "bt_montecarlo25k";
    await t.db.database.db.execute(
      sql`insert into backtests (id, status, request, spec, timeout_seconds, created_at) values (${id}, 'succeeded', '{"startingCash":"100000"}'::jsonb, '{}'::jsonb, 60, now())`,
    );
    await t.db.database.db.execute(sql`
      insert into backtest_trades (backtest_id, seq, symbol, side, quantity, entry_time, entry_price, exit_time, exit_price, realized_pnl, fees, net_pnl, exit_reason, bars)
      select ${id}, g, 'ETH/USDT', 'long', 1, now(), 100, now(), 101, 1, 0, ((g % 7) - 3) * 1.25 + 0.01, 'signal', 1 from generate_series(0, 24999) g`);
    const res = await t.http.get(`/v1/backtests/${id}/monte-carlo`).set(t.auth(readKey));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ trades: 25_000, iterations: 800 });
    let sum = dec(0);
    for (let g = 0; g < 25_000; g++) sum = sum.plus(dec((g % 7) - 3).times("1.25").plus("0.01"));
    expect(res.body.observed.totalReturn).toBe(sum.div(100_000).toNumber());
    const over = await t.http.get(`/v1/backtests/${id}/monte-carlo?iterations=801`).set(t.auth(readKey));
    expect(over.status).toBe(400);
    expect(over.body.errors).toEqual([{ path: "iterations", message: "at most 800 for 25000 trades (iterations × trades ≤ 20000000)" }]);
  });
});

describe("while a search runs on another instance", () => {
  let hold: Gateway;
  beforeAll(async () => {
    hold = await startGateway(t.db.database, { INSTANCE_ID: "hold" }, { backtestWorkerUrl: SEARCH_HOLD_WORKER });
  });
  afterAll(() => hold?.close());
  const running = (s: Search) => s.status === "running" && s.progress.phase === "in_sample" && s.progress.done === 1;

  it("shows its progress and stops when cancelled from the other instance, at the runner's next heartbeat", async () => {
    const id = await submitted();
    const run = await waitForSearch(id, running);
    expect(run).toMatchObject({ progress: { phase: "in_sample", done: 1, total: 4 }, cancelRequested: false, result: null });
    expect(run.startedAt).not.toBeNull();
    const cancel = await t.http.post(`/v1/parameter-searches/${id}/cancel`).set(t.auth());
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ status: "running", cancelRequested: true });
    expect(await waitForSearch(id, finished)).toMatchObject({ status: "cancelled", result: null, rankingHash: null });
  });

  it("stops at once when cancelled on the instance running it", async () => {
    const id = await submitted();
    await waitForSearch(id, running);
    expect((await hold.http.post(`/v1/parameter-searches/${id}/cancel`).set(auth)).status).toBe(202);
    expect(await waitForSearch(id, finished)).toMatchObject({ status: "cancelled" });
  });

  it("ends timed_out past its timeout", async () => {
    const id = await submitted({ timeoutSeconds: 1 });
    const done = await waitForSearch(id, finished);
    expect(done).toMatchObject({ status: "timed_out", error: { code: null, message: "stopped after its timeout of 1 s" } });
  });

  it("goes back to the queue on a clean shutdown; a crashed runner's search fails INTERRUPTED when it starts again", async () => {
    const id = await submitted();
    await waitForSearch(id, running);
    await hold.close();
    expect(await waitForSearch(id, () => true)).toMatchObject({ status: "queued", startedAt: null, progress: { phase: null, done: 0, total: 0 } });

    // What a process that claimed it and then died leaves behind: the row says running, nobody runs it.
    await t.db.database.db.execute(sql`update parameter_searches set status = 'running', runner = 'crashed-node/0badc0de', heartbeat_at = now() where id = ${id}`);
    const restarted = await startGateway(t.db.database, { INSTANCE_ID: "crashed-node", BACKTEST_CONCURRENCY: "0" });
    await restarted.close();
    const failed = await waitForSearch(id, () => true);
    expect(failed).toMatchObject({ status: "failed", error: { code: "INTERRUPTED" } });
    expect((failed.error as { message: string }).message).toBe("the gateway running this parameter search stopped without finishing it; submit it again");
  });
});

describe("auth and scopes", () => {
  it("needs a key for every route, write for submit and cancel, read for the rest", async () => {
    expect((await t.http.get("/v1/parameter-searches")).status).toBe(401);
    expect((await t.http.post("/v1/parameter-searches").send(body())).status).toBe(401);
    expect((await submit(body(), readKey)).status).toBe(403);
    expect((await t.http.post("/v1/parameter-searches/ps_x/cancel").set(t.auth(readKey))).status).toBe(403);
    for (const path of ["/v1/parameter-searches", "/v1/parameter-searches/ps_missing", "/v1/backtests/bt_missing/monte-carlo"]) {
      expect((await t.http.get(path)).status, path).toBe(401);
      const res = await t.http.get(path).set(t.auth(readKey));
      expect([200, 404], path).toContain(res.status);
    }
    expect((await t.http.get("/v1/parameter-searches/ps_missing").set(t.auth(readKey))).body).toMatchObject({ code: "NOT_FOUND" });
    expect((await t.http.post("/v1/parameter-searches/ps_missing/cancel").set(t.auth())).body).toMatchObject({ code: "NOT_FOUND" });
  });
});
