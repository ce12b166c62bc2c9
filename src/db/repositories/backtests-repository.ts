import { and, asc, desc, eq, gt, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { backtestEquity, type BacktestEquityRow } from "../schema/backtest-equity.js";
import { backtestTrades, type BacktestTradeRow, type NewBacktestTradeRow } from "../schema/backtest-trades.js";
import { backtests, type BacktestRow, type NewBacktestRow } from "../schema/backtests.js";

export async function insertBacktest(db: Db, row: NewBacktestRow): Promise<BacktestRow> {
  const [inserted] = await db.insert(backtests).values(row).returning();
  if (!inserted) throw new Error("inserting a backtest returned no row");
  return inserted;
}

export async function findBacktestById(db: Db, id: string): Promise<BacktestRow | undefined> {
  const [row] = await db.select().from(backtests).where(eq(backtests.id, id)).limit(1);
  return row;
}

export type BacktestFilter = {
  status?: string;
  strategyId?: string;
  /** Newest first: rows with seq below this one. */
  beforeSeq?: number;
  limit: number;
};

export async function listBacktestRows(db: Db, filter: BacktestFilter): Promise<BacktestRow[]> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(backtests.status, filter.status));
  if (filter.strategyId) conditions.push(eq(backtests.strategyId, filter.strategyId));
  if (filter.beforeSeq !== undefined) conditions.push(lt(backtests.seq, filter.beforeSeq));
  return db
    .select()
    .from(backtests)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(backtests.seq))
    .limit(filter.limit);
}

export async function queuedBacktestIds(db: Db): Promise<string[]> {
  const rows = await db.select({ id: backtests.id }).from(backtests).where(eq(backtests.status, "queued")).orderBy(asc(backtests.seq));
  return rows.map((r) => r.id);
}

/** Takes a queued backtest for `runner`; undefined when it is not queued (cancelled, or taken by another delivery). */
export async function claimBacktest(db: Db, input: { id: string; runner: string; now: Date }): Promise<BacktestRow | undefined> {
  const [row] = await db
    .update(backtests)
    .set({ status: "running", runner: input.runner, startedAt: input.now, heartbeatAt: input.now, progress: 0, candlesProcessed: 0 })
    .where(and(eq(backtests.id, input.id), eq(backtests.status, "queued")))
    .returning();
  return row;
}

const heldBy = (id: string, runner: string) => and(eq(backtests.id, id), eq(backtests.runner, runner), eq(backtests.status, "running"));

/**
 * Progress and heartbeat in one write; answers whether a cancel was requested. undefined: the row is
 * no longer this runner's (an operator or another instance finished it), so the run must stop.
 */
export async function recordBacktestProgress(
  db: Db,
  input: { id: string; runner: string; progress: number; candlesProcessed: number; candlesTotal?: number; now: Date },
): Promise<{ cancelRequested: boolean } | undefined> {
  const [row] = await db
    .update(backtests)
    .set({
      progress: input.progress,
      candlesProcessed: input.candlesProcessed,
      heartbeatAt: input.now,
      ...(input.candlesTotal !== undefined ? { candlesTotal: input.candlesTotal } : {}),
    })
    .where(heldBy(input.id, input.runner))
    .returning({ cancelRequested: backtests.cancelRequested });
  return row;
}

export type BacktestEnd = {
  status: "failed" | "cancelled" | "timed_out";
  errorCode?: string;
  errorMessage?: string;
};

/** Ends a run without results. False when the row was no longer this runner's. */
export async function endBacktest(db: Db, input: { id: string; runner: string; now: Date; end: BacktestEnd }): Promise<boolean> {
  const rows = await db
    .update(backtests)
    .set({ status: input.end.status, errorCode: input.end.errorCode ?? null, errorMessage: input.end.errorMessage ?? null, finishedAt: input.now })
    .where(heldBy(input.id, input.runner))
    .returning({ id: backtests.id });
  return rows.length > 0;
}

export type BacktestResults = {
  metrics: unknown;
  summary: unknown;
  tradesHash: string;
  candlesProcessed: number;
  trades: ReadonlyArray<Omit<NewBacktestTradeRow, "backtestId" | "seq">>;
  equity: { time: ArrayLike<number>; equity: ArrayLike<number> };
};

// 14 parameters a trade row: 1000 rows stay far under PostgreSQL's 65,535 parameters per statement.
const TRADE_BATCH = 1000;

/**
 * Stores a run's results and marks it succeeded, in one transaction so a reader sees all of it or
 * none. A cancel requested while the engine was finishing wins: the run ends cancelled, results
 * dropped. Returns the status written, or undefined when the row was no longer this runner's.
 */
export async function completeBacktest(
  db: Db,
  input: { id: string; runner: string; now: Date; results: BacktestResults },
): Promise<"succeeded" | "cancelled" | undefined> {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .select({ cancelRequested: backtests.cancelRequested })
      .from(backtests)
      .where(heldBy(input.id, input.runner))
      .for("update");
    if (!held) return undefined;
    if (held.cancelRequested) {
      await tx.update(backtests).set({ status: "cancelled", finishedAt: input.now }).where(eq(backtests.id, input.id));
      return "cancelled";
    }
    const { results } = input;
    for (let start = 0; start < results.trades.length; start += TRADE_BATCH) {
      const batch = results.trades.slice(start, start + TRADE_BATCH).map((t, i) => ({ ...t, backtestId: input.id, seq: start + i }));
      await tx.insert(backtestTrades).values(batch);
    }
    const points = Array.from({ length: results.equity.time.length }, (_, i) => ({
      backtestId: input.id,
      seq: i,
      time: new Date(results.equity.time[i] as number),
      equity: results.equity.equity[i] as number,
    }));
    for (let start = 0; start < points.length; start += TRADE_BATCH) await tx.insert(backtestEquity).values(points.slice(start, start + TRADE_BATCH));
    await tx
      .update(backtests)
      .set({
        status: "succeeded",
        progress: 1,
        candlesProcessed: results.candlesProcessed,
        metrics: results.metrics,
        summary: results.summary,
        tradesCount: results.trades.length,
        tradesHash: results.tradesHash,
        finishedAt: input.now,
      })
      .where(eq(backtests.id, input.id));
    return "succeeded";
  });
}

/** Puts a running backtest back in the queue (a clean shutdown): it starts over from the beginning. */
export async function requeueBacktest(db: Db, input: { id: string; runner: string }): Promise<boolean> {
  const rows = await db
    .update(backtests)
    .set({ status: "queued", runner: null, startedAt: null, heartbeatAt: null, progress: 0, candlesProcessed: 0 })
    .where(heldBy(input.id, input.runner))
    .returning({ id: backtests.id });
  return rows.length > 0;
}

/**
 * A queued backtest is cancelled at once; a running one is flagged for its runner to stop. Returns
 * the row after the change, or undefined when it was in neither state (or does not exist).
 */
export async function requestBacktestCancel(db: Db, input: { id: string; now: Date }): Promise<BacktestRow | undefined> {
  const [row] = await db
    .update(backtests)
    .set({
      cancelRequested: true,
      status: sql`case when ${backtests.status} = 'queued' then 'cancelled' else ${backtests.status} end`,
      finishedAt: sql`case when ${backtests.status} = 'queued' then ${input.now.toISOString()}::timestamptz else ${backtests.finishedAt} end`,
    })
    .where(and(eq(backtests.id, input.id), or(eq(backtests.status, "queued"), eq(backtests.status, "running"))))
    .returning();
  return row;
}

/**
 * Fails running backtests whose runner is gone: those an earlier run of this instance left behind
 * (`ownPrefix` but not `runner`), and anyone's whose heartbeat is older than `staleBefore`.
 */
export async function failInterruptedBacktests(
  db: Db,
  input: { ownPrefix: string; runner: string; staleBefore: Date; now: Date; message: string },
): Promise<string[]> {
  const rows = await db
    .update(backtests)
    .set({ status: "failed", errorCode: "INTERRUPTED", errorMessage: input.message, finishedAt: input.now })
    .where(
      and(
        eq(backtests.status, "running"),
        // starts_with, not LIKE: an instance id may contain "_", a LIKE wildcard.
        or(and(sql`starts_with(${backtests.runner}, ${input.ownPrefix})`, ne(backtests.runner, input.runner)), lt(backtests.heartbeatAt, input.staleBefore)),
      ),
    )
    .returning({ id: backtests.id });
  return rows.map((r) => r.id);
}

/** Oldest first, from the trade after `afterSeq`. */
export async function listBacktestTradeRows(db: Db, input: { backtestId: string; afterSeq?: number; limit: number }): Promise<BacktestTradeRow[]> {
  const conditions: SQL[] = [eq(backtestTrades.backtestId, input.backtestId)];
  if (input.afterSeq !== undefined) conditions.push(gt(backtestTrades.seq, input.afterSeq));
  return db.select().from(backtestTrades).where(and(...conditions)).orderBy(asc(backtestTrades.seq)).limit(input.limit);
}

export async function backtestEquityRows(db: Db, backtestId: string): Promise<BacktestEquityRow[]> {
  return db.select().from(backtestEquity).where(eq(backtestEquity.backtestId, backtestId)).orderBy(asc(backtestEquity.seq));
}
