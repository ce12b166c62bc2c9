import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy } from "../helpers/strategies.js";
import { auth, finished, HOLD_WORKER, startGateway, waitForBacktest, type Gateway } from "./backtests-gateway.js";

const ETH_1H = readFileSync(new URL("../fixtures/ohlcv/binance_ETHUSDT_1h_head300.csv", import.meta.url), "utf8");
const FIRST = 1745971200000;
const LAST = 1747047600000;

/**
 * Several gateway instances on one database, as behind a load balancer. `queue` (the harness app)
 * runs no backtests, so what it accepts waits for another instance: `hold` runs them in a worker
 * that holds each run still until it is cancelled or terminated, so the tests act on a backtest
 * while it is `running` without racing the engine.
 */
let queue: TestApp;
let hold: Gateway;

beforeAll(async () => {
  queue = await startTestApp({ BACKTEST_CONCURRENCY: "0", INSTANCE_ID: "queue-only" });
  await queue.http.post("/v1/candles/import?symbol=ETH/USDT&timeframe=1h").set(queue.auth()).set("content-type", "text/csv").send(ETH_1H);
});
afterAll(async () => {
  await hold?.close();
  await queue.close();
});

const body = (overrides: Record<string, unknown> = {}) => ({
  strategy: { type: "rsi" },
  symbols: ["ETH/USDT"],
  timeframe: "1h",
  from: FIRST,
  to: LAST,
  ...overrides,
});
const submitTo = async (app: Pick<TestApp, "http">, overrides: Record<string, unknown> = {}): Promise<string> => {
  const res = await app.http.post("/v1/backtests").set(auth).send(body(overrides));
  expect(res.status).toBe(202);
  return res.body.id;
};
const running = (b: { status: string; progress?: unknown }) => b.status === "running" && b.progress === 0.5;

describe("with no instance running backtests", () => {
  it("a queued backtest stays queued, and a cancel ends it before it ever starts", async () => {
    const id = await submitTo(queue);
    expect((await queue.http.get(`/v1/backtests/${id}`).set(auth)).body).toMatchObject({ status: "queued", startedAt: null });
    for (const part of ["trades", "equity", "report"]) {
      const res = await queue.http.get(`/v1/backtests/${id}/${part}`).set(auth);
      expect(res.status, part).toBe(409);
      expect(res.body, part).toMatchObject({ code: "CONFLICT", backtestStatus: "queued" });
    }
    const cancelled = await queue.http.post(`/v1/backtests/${id}/cancel`).set(auth);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelRequested: true, startedAt: null });
    expect(cancelled.body.finishedAt).not.toBeNull();
    const again = await queue.http.post(`/v1/backtests/${id}/cancel`).set(auth);
    expect(again.status).toBe(409);

    // An instance that runs backtests starts now: the cancelled job is delivered to it and does nothing.
    const runner = await startGateway(queue.db.database, { INSTANCE_ID: "late-runner" });
    const probe = await submitTo(runner);
    await waitForBacktest(runner, probe, finished);
    await runner.close();
    expect((await queue.http.get(`/v1/backtests/${id}`).set(auth)).body).toMatchObject({ status: "cancelled", startedAt: null, candlesTotal: 0 });
  });

  it("at start, an instance fails what its own crashed run left running and what a long-silent one did, and nothing else", async () => {
    const [mine, silent, alive] = [await submitTo(queue), await submitTo(queue), await submitTo(queue)];
    // What processes that claimed them and then died leave behind: the row says running, nobody runs it.
    const leave = async (id: string, runner: string, heartbeatAgoMs: number) => {
      const at = new Date(Date.now() - heartbeatAgoMs).toISOString();
      await queue.db.database.db.execute(
        sql`update backtests set status = 'running', runner = ${runner}, started_at = ${at}::timestamptz, heartbeat_at = ${at}::timestamptz where id = ${id}`,
      );
    };
    await leave(mine, "crashed-node/0badc0de", 0);
    await leave(silent, "gone-node/0badf00d", 10 * 60_000);
    await leave(alive, "alive-node/12345678", 0);
    const restarted = await startGateway(queue.db.database, { INSTANCE_ID: "crashed-node", BACKTEST_CONCURRENCY: "0" });
    await restarted.close();
    for (const id of [mine, silent]) {
      const failed = (await queue.http.get(`/v1/backtests/${id}`).set(auth)).body;
      expect(failed).toMatchObject({ status: "failed", error: { code: "INTERRUPTED" } });
      expect(failed.error.message).toContain("submit it again");
    }
    // Another instance's run, with a fresh heartbeat, is left alone.
    expect((await queue.http.get(`/v1/backtests/${alive}`).set(auth)).body).toMatchObject({ status: "running" });
    await queue.db.database.db.execute(sql`update backtests set status = 'failed' where id = ${alive}`);
  });
});

describe("while a backtest runs on another instance", () => {
  beforeAll(async () => {
    hold = await startGateway(queue.db.database, { INSTANCE_ID: "hold" }, { backtestWorkerUrl: HOLD_WORKER });
  });

  it("shows its progress, keeps answering webhooks, and stops it when cancelled from the other instance", async () => {
    const s = await createStrategy(queue);
    const id = await submitTo(queue);
    const run = await waitForBacktest(queue, id, running);
    expect(run).toMatchObject({ candlesTotal: 300, candlesProcessed: 150, cancelRequested: false });
    expect(run.startedAt).not.toBeNull();

    for (const app of [queue, hold]) {
      const webhook = await app.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "ETHUSDT", action: "buy" }));
      expect(webhook.status).toBeGreaterThanOrEqual(200);
      expect(webhook.status).toBeLessThan(300);
    }

    // Sent to the queue-only instance: the running one learns of it through the row, at its next heartbeat.
    const cancel = await queue.http.post(`/v1/backtests/${id}/cancel`).set(auth);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ status: "running", cancelRequested: true });
    const done = await waitForBacktest(queue, id, finished);
    expect(done).toMatchObject({ status: "cancelled", metrics: null, tradesCount: null });
  });

  it("stops it at once when cancelled on the instance running it", async () => {
    const id = await submitTo(queue);
    await waitForBacktest(hold, id, running);
    expect((await hold.http.post(`/v1/backtests/${id}/cancel`).set(auth)).status).toBe(202);
    expect(await waitForBacktest(hold, id, finished)).toMatchObject({ status: "cancelled" });
  });

  it("ends it timed_out past its timeout", async () => {
    const id = await submitTo(queue, { timeoutSeconds: 1 });
    const done = await waitForBacktest(queue, id, finished);
    expect(done).toMatchObject({ status: "timed_out", request: { timeoutSeconds: 1 } });
    expect((done.error as { message: string }).message).toBe("stopped after its timeout of 1 s");
  });

  it("fails with ENGINE_ERROR and only the first line of the engine's message", async () => {
    const id = await submitTo(queue, { startingCash: "1313" });
    const done = await waitForBacktest(queue, id, finished);
    expect(done).toMatchObject({ status: "failed", error: { code: "ENGINE_ERROR" } });
    const message = (done.error as { message: string }).message;
    expect(message).toBe("engine exploded near select * from candles where symbol = $1");
    expect(message).not.toContain("engine.ts");
  });

  it("fails with WORKER_CRASHED when the worker thread dies", async () => {
    const id = await submitTo(queue, { startingCash: "1414" });
    expect(await waitForBacktest(queue, id, finished)).toMatchObject({
      status: "failed",
      error: { code: "WORKER_CRASHED", message: "the backtest worker exited without a result" },
    });
  });

  it("puts it back in the queue on a clean shutdown, and another instance runs it to the end", async () => {
    const id = await submitTo(hold);
    await waitForBacktest(queue, id, running);
    await hold.close();
    const requeued = (await queue.http.get(`/v1/backtests/${id}`).set(auth)).body;
    expect(requeued).toMatchObject({ status: "queued", startedAt: null, progress: 0, cancelRequested: false });

    const successor = await startGateway(queue.db.database, { INSTANCE_ID: "successor" });
    try {
      const done = await waitForBacktest(successor, id, finished);
      expect(done).toMatchObject({ status: "succeeded", candlesProcessed: 300 });
      // Listed by every instance on the database, newest first.
      const listed = await queue.http.get("/v1/backtests?limit=500").set(auth);
      expect(listed.body.data.map((b: { id: string }) => b.id)).toContain(id);
    } finally {
      await successor.close();
    }
  });
});
