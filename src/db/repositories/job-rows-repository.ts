import { and, asc, eq, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import type { backtests } from "../schema/backtests.js";
import type { parameterSearches } from "../schema/parameter-searches.js";

/**
 * The writes a job row's lifecycle makes, on either kind's table (their shared columns come from
 * schema/job-columns.ts). What a run's progress and results are stays with each kind's repository.
 */
export type JobTable = typeof backtests | typeof parameterSearches;

export type JobEnd = {
  status: "failed" | "cancelled" | "timed_out";
  errorCode?: string;
  errorMessage?: string;
};

/** The row is running and this runner's: every write of a run checks it, so a row finished elsewhere stays as it is. */
export const heldBy = (table: JobTable, id: string, runner: string) => and(eq(table.id, id), eq(table.runner, runner), eq(table.status, "running"));

type Row<T extends JobTable> = T["$inferSelect"];
/** A kind's progress columns, as they are before its run starts. */
type ProgressReset<T extends JobTable> = Partial<T["$inferInsert"]>;

export async function findJobById<T extends JobTable>(db: Db, table: T, id: string): Promise<Row<T> | undefined> {
  const [row] = await db
    .select()
    .from(table as JobTable)
    .where(eq(table.id, id))
    .limit(1);
  return row as Row<T> | undefined;
}

export type JobFilter = {
  status?: string;
  strategyId?: string;
  /** Newest first: rows with seq below this one. */
  beforeSeq?: number;
  limit: number;
};

/** A listing's condition: its caller picks the columns, newest first by seq. */
export function jobFilterWhere(table: JobTable, filter: JobFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(table.status, filter.status));
  if (filter.strategyId) conditions.push(eq(table.strategyId, filter.strategyId));
  if (filter.beforeSeq !== undefined) conditions.push(lt(table.seq, filter.beforeSeq));
  return conditions.length ? and(...conditions) : undefined;
}

export async function queuedJobIds(db: Db, table: JobTable): Promise<string[]> {
  const rows = await db.select({ id: table.id }).from(table).where(eq(table.status, "queued")).orderBy(asc(table.seq));
  return rows.map((r) => r.id);
}

/** Takes a queued job for `runner`; undefined when it is not queued (cancelled, or taken by another delivery). */
export async function claimJob<T extends JobTable>(
  db: Db,
  table: T,
  input: { id: string; runner: string; now: Date },
  reset: ProgressReset<T>,
): Promise<Row<T> | undefined> {
  const [row] = await db
    .update(table as JobTable)
    .set({ status: "running", runner: input.runner, startedAt: input.now, heartbeatAt: input.now, ...reset })
    .where(and(eq(table.id, input.id), eq(table.status, "queued")))
    .returning();
  return row as Row<T> | undefined;
}

/** Puts a running job back in the queue (a clean shutdown): it starts over from the beginning. */
export async function requeueJob<T extends JobTable>(db: Db, table: T, input: { id: string; runner: string }, reset: ProgressReset<T>): Promise<boolean> {
  const rows = await db
    .update(table as JobTable)
    .set({ status: "queued", runner: null, startedAt: null, heartbeatAt: null, ...reset })
    .where(heldBy(table, input.id, input.runner))
    .returning({ id: table.id });
  return rows.length > 0;
}

/** Ends a run without results. False when the row was no longer this runner's. */
export async function endJob(db: Db, table: JobTable, input: { id: string; runner: string; now: Date; end: JobEnd }): Promise<boolean> {
  const rows = await db
    .update(table)
    .set({ status: input.end.status, errorCode: input.end.errorCode ?? null, errorMessage: input.end.errorMessage ?? null, finishedAt: input.now })
    .where(heldBy(table, input.id, input.runner))
    .returning({ id: table.id });
  return rows.length > 0;
}

/**
 * A queued job is cancelled at once; a running one is flagged for its runner to stop. Returns the
 * row after the change, or undefined when it was in neither state (or does not exist).
 */
export async function requestJobCancel<T extends JobTable>(db: Db, table: T, input: { id: string; now: Date }): Promise<T["$inferSelect"] | undefined> {
  const status = table.status;
  const [row] = await db
    .update(table as JobTable)
    .set({
      cancelRequested: true,
      status: sql`case when ${status} = 'queued' then 'cancelled' else ${status} end`,
      finishedAt: sql`case when ${status} = 'queued' then ${input.now.toISOString()}::timestamptz else ${table.finishedAt} end`,
    })
    .where(and(eq(table.id, input.id), or(eq(status, "queued"), eq(status, "running"))))
    .returning();
  return row as T["$inferSelect"] | undefined;
}

export type InterruptedSweep = { ownPrefix: string; runner: string; staleBefore: Date; now: Date; message: string };

/**
 * Fails running jobs whose runner is gone: those an earlier run of this instance left behind
 * (`ownPrefix` but not `runner`), and anyone's whose heartbeat is older than `staleBefore`.
 */
export async function failInterruptedJobs(db: Db, table: JobTable, input: InterruptedSweep): Promise<string[]> {
  const rows = await db
    .update(table)
    .set({ status: "failed", errorCode: "INTERRUPTED", errorMessage: input.message, finishedAt: input.now })
    .where(
      and(
        eq(table.status, "running"),
        // starts_with, not LIKE: an instance id may contain "_", a LIKE wildcard.
        or(and(sql`starts_with(${table.runner}, ${input.ownPrefix})`, ne(table.runner, input.runner)), lt(table.heartbeatAt, input.staleBefore)),
      ),
    )
    .returning({ id: table.id });
  return rows.map((r) => r.id);
}
