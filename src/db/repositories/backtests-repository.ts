import { and, asc, desc, eq, gt, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { rawQuery } from "../raw-query.js";
import { backtestEquity, type BacktestEquityRow } from "../schema/backtest-equity.js";
import { backtestTrades, type BacktestTradeRow, type NewBacktestTradeRow } from "../schema/backtest-trades.js";
import { backtests, type BacktestRow, type NewBacktestRow } from "../schema/backtests.js";
import { insertBacktestResults } from "./backtest-results-insert.js";
import {
  claimJob,
  endJob,
  failInterruptedJobs,
  findJobById,
  heldBy,
  jobFilterWhere,
  queuedJobIds,
  requestJobCancel,
  requeueJob,
  type InterruptedSweep,
  type JobEnd,
  type JobFilter,
} from "./job-rows-repository.js";

export async function insertBacktest(db: Db, row: NewBacktestRow): Promise<BacktestRow> {
  const [inserted] = await db.insert(backtests).values(row).returning();
  if (!inserted) throw new Error("inserting a backtest returned no row");
  return inserted;
}

export const findBacktestById = (db: Db, id: string) => findJobById(db, backtests, id);

export async function listBacktestRows(db: Db, filter: JobFilter): Promise<BacktestRow[]> {
  return db.select().from(backtests).where(jobFilterWhere(backtests, filter)).orderBy(desc(backtests.seq)).limit(filter.limit);
}

export const queuedBacktestIds = (db: Db) => queuedJobIds(db, backtests);

/** A run starts, and starts over after a requeue, from no candle processed. */
const NO_PROGRESS = { progress: 0, candlesProcessed: 0 } as const;

export const claimBacktest = (db: Db, input: { id: string; runner: string; now: Date }) => claimJob(db, backtests, input, NO_PROGRESS);

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
    .where(heldBy(backtests, input.id, input.runner))
    .returning({ cancelRequested: backtests.cancelRequested });
  return row;
}

export const endBacktest = (db: Db, input: { id: string; runner: string; now: Date; end: JobEnd }) => endJob(db, backtests, input);

export type BacktestResults = {
  metrics: unknown;
  summary: unknown;
  tradesHash: string;
  candlesProcessed: number;
  trades: ReadonlyArray<Omit<NewBacktestTradeRow, "backtestId" | "seq">>;
  equity: { time: ArrayLike<number>; equity: ArrayLike<number> };
};

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
      .where(heldBy(backtests, input.id, input.runner))
      .for("update");
    if (!held) return undefined;
    if (held.cancelRequested) {
      await tx.update(backtests).set({ status: "cancelled", finishedAt: input.now }).where(eq(backtests.id, input.id));
      return "cancelled";
    }
    const { results } = input;
    await insertBacktestResults(rawQuery(tx), input.id, results.trades, results.equity);
    await tx
      .update(backtests)
      .set({
        status: "succeeded",
        progress: 1,
        // Every candle in range was processed: the total too, also when the worker read them and no heartbeat saw it.
        candlesProcessed: results.candlesProcessed,
        candlesTotal: results.candlesProcessed,
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

export const requeueBacktest = (db: Db, input: { id: string; runner: string }) => requeueJob(db, backtests, input, NO_PROGRESS);

export const requestBacktestCancel = (db: Db, input: { id: string; now: Date }) => requestJobCancel(db, backtests, input);

export const failInterruptedBacktests = (db: Db, input: InterruptedSweep) => failInterruptedJobs(db, backtests, input);

/** Oldest first, from the trade after `afterSeq`. */
export async function listBacktestTradeRows(db: Db, input: { backtestId: string; afterSeq?: number; limit: number }): Promise<BacktestTradeRow[]> {
  const conditions: SQL[] = [eq(backtestTrades.backtestId, input.backtestId)];
  if (input.afterSeq !== undefined) conditions.push(gt(backtestTrades.seq, input.afterSeq));
  return db.select().from(backtestTrades).where(and(...conditions)).orderBy(asc(backtestTrades.seq)).limit(input.limit);
}

export async function backtestEquityRows(db: Db, backtestId: string): Promise<BacktestEquityRow[]> {
  return db.select().from(backtestEquity).where(eq(backtestEquity.backtestId, backtestId)).orderBy(asc(backtestEquity.seq));
}
