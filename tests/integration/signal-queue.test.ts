import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.js";
import { rawQuery } from "../../src/db/raw-query.js";
import type { ClaimedSignal } from "../../src/db/repositories/signal-queue-repository.js";
import { strategies } from "../../src/db/schema/strategies.js";
import { commitDelivery, type LedgerContext } from "../../src/ingest/ledger.js";
import { inOneTransaction, startSignalWorkers } from "../../src/ingest/queue/signal-worker.js";
import { systemClock } from "../../src/lib/clock.js";
import { randomIds } from "../../src/lib/ids.js";
import { LogCapture } from "../helpers/log-capture.js";
import { openTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let db: TestDatabase;
let ctx: LedgerContext;
beforeAll(async () => {
  db = await openTestDatabase();
  ctx = { db: db.database.db, database: db.database, clock: systemClock, ids: randomIds };
  const now = new Date();
  await db.database.db.insert(strategies).values(
    ["a", "b"].map((k) => ({ id: `stg_${k}`, key: k, name: k, enabled: true, allowedSymbols: [], webhookTokenHash: k, passphraseHash: null, createdAt: now, updatedAt: now })),
  );
});
afterAll(() => db.dispose());

async function enqueue(strategyId: string, symbol: string, n: number) {
  await commitDelivery({
    ctx,
    input: {
      strategyId,
      source: "internal",
      rawBody: String(n),
      contentType: undefined,
      sourceAddress: undefined,
      format: "json",
      notes: [],
      alertId: undefined,
      outcome: { ok: true, signals: [{ symbol, intent: { action: "close" }, orderType: "market", comment: String(n) }] },
    },
  });
}

describe("the signal queue", () => {
  it("processes each lane one at a time in arrival order, lanes in parallel, across two instances", async () => {
    const lanes = [["stg_a", "BTC/USDT"], ["stg_a", "ETH/USDT"], ["stg_b", "BTC/USDT"]] as const;
    for (let i = 0; i < 30; i++) {
      const [strategyId, symbol] = lanes[i % lanes.length] as (typeof lanes)[number];
      await enqueue(strategyId, symbol, i);
    }
    const order = new Map<string, number[]>();
    const active = new Map<string, number>();
    let maxParallelLanes = 0;
    let overlapWithinLane = false;
    const handler = async (row: ClaimedSignal) => {
      const lane = row.lane;
      if ((active.get(lane) ?? 0) > 0) overlapWithinLane = true;
      active.set(lane, (active.get(lane) ?? 0) + 1);
      maxParallelLanes = Math.max(maxParallelLanes, [...active.values()].filter((v) => v > 0).length);
      await new Promise((r) => setTimeout(r, 5));
      order.set(lane, [...(order.get(lane) ?? []), Number(row.signal.comment)]);
      active.set(lane, (active.get(lane) ?? 1) - 1);
      return { ok: true };
    };
    // Two worker groups with different instance ids stand for two gateway processes on one database.
    const instances = await Promise.all(
      ["instance-a", "instance-b"].map((instanceId) =>
        startSignalWorkers({
          database: db.database, clock: systemClock, logger: new LogCapture().logger, handler: inOneTransaction(db.database, handler),
          instanceId, concurrency: 3, leaseMs: 30_000, pollMs: 20,
        }),
      ),
    );
    const deadline = Date.now() + 20_000;
    while ([...order.values()].flat().length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(instances.map((w) => w.stop()));

    expect(overlapWithinLane).toBe(false);
    for (const [lane, seen] of order) {
      expect(seen, lane).toEqual([...seen].sort((x, y) => x - y));
      expect(seen).toHaveLength(10);
    }
    if (db.kind === "postgres") expect(maxParallelLanes).toBeGreaterThan(1);
  });

  it("retries a failing signal, then marks it failed, without blocking its lane for good", async () => {
    await enqueue("stg_b", "SOL/USDT", 100);
    await enqueue("stg_b", "SOL/USDT", 101);
    const seen: number[] = [];
    const handler = async (row: ClaimedSignal) => {
      seen.push(Number(row.signal.comment));
      if (row.signal.comment === "100") throw new Error("boom");
      return { ok: true };
    };
    const workers = await startSignalWorkers({
      database: db.database, clock: systemClock, logger: new LogCapture().logger, handler: inOneTransaction(db.database, handler),
      instanceId: "queue-test-2", concurrency: 2, leaseMs: 30_000, pollMs: 20, maxAttempts: 3,
    });
    const deadline = Date.now() + 10_000;
    while (!seen.includes(101) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await workers.stop();
    expect(seen).toEqual([100, 100, 100, 101]);
  });

  it("fails a signal whose every attempt died with its process, and its lane goes on", async () => {
    await enqueue("stg_a", "ADA/USDT", 500);
    await enqueue("stg_a", "ADA/USDT", 501);
    const handled: string[] = [];
    // Each start is a new process of one instance; signal 500 hangs it (as a crash or a stuck call would).
    for (let run = 0; run < 4 && !handled.includes("501"); run++) {
      const workers = await startSignalWorkers({
        database: db.database, clock: systemClock, logger: new LogCapture().logger, instanceId: "queue-test-6", concurrency: 2, leaseMs: 60_000, pollMs: 20, maxAttempts: 3, stopWaitMs: 50,
        handler: async (row, complete) => {
          handled.push(row.signal.comment ?? "");
          if (row.signal.comment === "500") return new Promise<void>(() => {});
          await db.database.db.transaction((tx) => complete(tx, { ok: true }));
        },
      });
      const deadline = Date.now() + 5_000;
      while (handled.length <= run && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 50));
      await workers.stop();
    }
    expect(handled).toEqual(["500", "500", "500", "501"]);
    const rows = await db.database.query<{ raw_body: string; status: string; attempts: number; result: unknown }>(
      "select raw_body, status, attempts, result from signals where raw_body in ('500', '501') order by seq",
      [],
    );
    expect(rows.map((r) => [r.raw_body, r.status, Number(r.attempts)])).toEqual([
      ["500", "failed", 3],
      ["501", "processed", 1],
    ]);
    expect(rows[0]?.result).toEqual({ error: "PROCESSING_ABANDONED", attempts: 3 });
  });

  it("fails a signal whose every claim expired, and its lane goes on", async () => {
    await enqueue("stg_b", "LTC/USDT", 600);
    await enqueue("stg_b", "LTC/USDT", 601);
    const handled: string[] = [];
    const workers = await startSignalWorkers({
      database: db.database, clock: systemClock, logger: new LogCapture().logger, instanceId: "queue-test-7", concurrency: 4, leaseMs: 100, maintenanceMs: 50, pollMs: 20, maxAttempts: 2, stopWaitMs: 50,
      handler: async (row, complete) => {
        handled.push(row.signal.comment ?? "");
        if (row.signal.comment === "600") return new Promise<void>(() => {});
        await db.database.db.transaction((tx) => complete(tx, { ok: true }));
      },
    });
    const deadline = Date.now() + 10_000;
    while (!handled.includes("601") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await workers.stop();
    expect(handled).toEqual(["600", "600", "601"]);
    const [row] = await db.database.query<{ status: string; result: unknown }>("select status, result from signals where raw_body = '600'", []);
    expect(row).toEqual({ status: "failed", result: { error: "PROCESSING_ABANDONED", attempts: 2 } });
  });

  it("claims a lane's next signal with the previous one's commit, and a stopping worker hands it back unstarted", async () => {
    await enqueue("stg_a", "DOT/USDT", 400);
    await enqueue("stg_a", "DOT/USDT", 401);
    const handled: string[] = [];
    let stopped: Promise<void> | undefined;
    const workers = await startSignalWorkers({
      database: db.database, clock: systemClock, logger: new LogCapture().logger,
      handler: async (row, complete) => {
        handled.push(row.signal.comment ?? "");
        await db.database.db.transaction((tx) => complete(tx, { ok: true }));
        // 401 was claimed by the commit above; the stop comes before this worker starts on it.
        if (row.signal.comment === "400") stopped = workers.stop();
      },
      instanceId: "queue-test-5", concurrency: 1, leaseMs: 30_000, pollMs: 20,
    });
    const deadline = Date.now() + 10_000;
    while (!stopped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await stopped;
    expect(handled).toEqual(["400"]);
    const rows = await db.database.query<{ raw_body: string; status: string; attempts: number; claimed_by: string | null }>(
      "select raw_body, status, attempts, claimed_by from signals where raw_body in ('400', '401') order by seq",
      [],
    );
    expect(rows.map((r) => [r.raw_body, r.status, Number(r.attempts), r.claimed_by])).toEqual([
      ["400", "processed", 1, null],
      // Back at its lane's head as if never claimed: the claim was not an attempt.
      ["401", "queued", 0, null],
    ]);
  });

  it("stops within its wait even when a signal's work never ends, leaving that signal to be processed again", async (ctx) => {
    // On PGlite the hung transaction would hold the one connection, and this test's own reads with it.
    if (db.kind !== "postgres") ctx.skip();
    await enqueue("stg_b", "XRP/USDT", 300);
    let claimed = false;
    // Stands for a transaction whose connection hangs with the database gone.
    const handler = async (row: ClaimedSignal) => {
      if (row.signal.comment !== "300") return { ok: true };
      claimed = true;
      return new Promise<Record<string, unknown>>(() => {});
    };
    const logs = new LogCapture();
    const workers = await startSignalWorkers({
      database: db.database, clock: systemClock, logger: logs.logger, handler: inOneTransaction(db.database, handler),
      instanceId: "queue-test-4", concurrency: 2, leaseMs: 30_000, pollMs: 20, stopWaitMs: 200,
    });
    const deadline = Date.now() + 10_000;
    while (!claimed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(claimed).toBe(true);
    await workers.stop();
    expect(logs.lines().some((l) => l.msg === "signal workers still busy at shutdown; their signals will be processed again")).toBe(true);
    const [row] = await db.database.query<{ status: string }>("select status from signals where raw_body = '300'", []);
    expect(row?.status).toBe("processing");
  });

  it("rolls back the work of a worker whose claim expired: the signal's effects commit once, by the new holder", async (ctx) => {
    // PGlite has one connection: a transaction holds it, so no other worker can take the claim meanwhile.
    if (db.kind !== "postgres") ctx.skip();
    await enqueue("stg_a", "ADA/USDT", 200);
    const markers = (attempt: number) => `LOST/${attempt}`;
    const handler = async (row: ClaimedSignal, tx: Db) => {
      if (row.signal.comment !== "200") return { ok: true };
      // The handler's own write, in the transaction that finishes the signal.
      await rawQuery(tx)("insert into market_prices (symbol, price, source, observed_at) values ($1, 1, 'test', now())", [markers(row.attempts)]);
      if (row.attempts === 1) await new Promise((r) => setTimeout(r, 600));
      return { attempt: row.attempts };
    };
    const workers = await startSignalWorkers({
      database: db.database, clock: systemClock, logger: new LogCapture().logger, handler: inOneTransaction(db.database, handler),
      instanceId: "queue-test-3", concurrency: 2, leaseMs: 100, pollMs: 20, maintenanceMs: 25,
    });
    const deadline = Date.now() + 10_000;
    let row: { status: string; result: string } | undefined;
    while (Date.now() < deadline) {
      [row] = await db.database.query<{ status: string; result: string }>("select status, result::text as result from signals where raw_body = '200'", []);
      if (row?.status === "processed") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // Past the first attempt's sleep, so its rollback has happened.
    await new Promise((r) => setTimeout(r, 700));
    await workers.stop();
    expect(row?.status).toBe("processed");
    expect(JSON.parse(row?.result ?? "null")).toEqual({ attempt: 2 });
    const written = await db.database.query<{ symbol: string }>("select symbol from market_prices where symbol like 'LOST/%' order by symbol", []);
    expect(written.map((r) => r.symbol)).toEqual([markers(2)]);
  });
});
