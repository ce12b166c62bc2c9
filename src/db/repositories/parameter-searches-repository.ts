import { and, asc, desc, eq, getTableColumns, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { parameterSearches, type NewParameterSearchRow, type ParameterSearchRow } from "../schema/parameter-searches.js";

/** The parameter_searches row's lifecycle, as backtests-repository.ts keeps a backtest's. */

export async function insertParameterSearch(db: Db, row: NewParameterSearchRow): Promise<ParameterSearchRow> {
  const [inserted] = await db.insert(parameterSearches).values(row).returning();
  if (!inserted) throw new Error("inserting a parameter search returned no row");
  return inserted;
}

export async function findParameterSearchById(db: Db, id: string): Promise<ParameterSearchRow | undefined> {
  const [row] = await db.select().from(parameterSearches).where(eq(parameterSearches.id, id)).limit(1);
  return row;
}

export type ParameterSearchFilter = {
  status?: string;
  strategyId?: string;
  /** Newest first: rows with seq below this one. */
  beforeSeq?: number;
  limit: number;
};

// A listing leaves the result out: a ranking of thousands of candidates per row would make a page megabytes.
const { result: _result, ...listColumns } = getTableColumns(parameterSearches);
export type ParameterSearchListRow = Omit<ParameterSearchRow, "result">;

export async function listParameterSearchRows(db: Db, filter: ParameterSearchFilter): Promise<ParameterSearchListRow[]> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(parameterSearches.status, filter.status));
  if (filter.strategyId) conditions.push(eq(parameterSearches.strategyId, filter.strategyId));
  if (filter.beforeSeq !== undefined) conditions.push(lt(parameterSearches.seq, filter.beforeSeq));
  return db
    .select(listColumns)
    .from(parameterSearches)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(parameterSearches.seq))
    .limit(filter.limit);
}

export async function queuedParameterSearchIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: parameterSearches.id })
    .from(parameterSearches)
    .where(eq(parameterSearches.status, "queued"))
    .orderBy(asc(parameterSearches.seq));
  return rows.map((r) => r.id);
}

/** Takes a queued search for `runner`; undefined when it is not queued (cancelled, or taken by another delivery). */
export async function claimParameterSearch(db: Db, input: { id: string; runner: string; now: Date }): Promise<ParameterSearchRow | undefined> {
  const [row] = await db
    .update(parameterSearches)
    .set({ status: "running", runner: input.runner, startedAt: input.now, heartbeatAt: input.now, progressPhase: null, progressDone: 0, progressTotal: 0 })
    .where(and(eq(parameterSearches.id, input.id), eq(parameterSearches.status, "queued")))
    .returning();
  return row;
}

const heldBy = (id: string, runner: string) =>
  and(eq(parameterSearches.id, id), eq(parameterSearches.runner, runner), eq(parameterSearches.status, "running"));

export type SearchProgressColumns = { phase: string | null; done: number; total: number };

/**
 * Progress and heartbeat in one write; answers whether a cancel was requested. undefined: the row is
 * no longer this runner's, so the run must stop.
 */
export async function recordParameterSearchProgress(
  db: Db,
  input: { id: string; runner: string; progress: SearchProgressColumns; now: Date },
): Promise<{ cancelRequested: boolean } | undefined> {
  const [row] = await db
    .update(parameterSearches)
    .set({ progressPhase: input.progress.phase, progressDone: input.progress.done, progressTotal: input.progress.total, heartbeatAt: input.now })
    .where(heldBy(input.id, input.runner))
    .returning({ cancelRequested: parameterSearches.cancelRequested });
  return row;
}

export type ParameterSearchEnd = {
  status: "failed" | "cancelled" | "timed_out";
  errorCode?: string;
  errorMessage?: string;
};

/** Ends a run without a result. False when the row was no longer this runner's. */
export async function endParameterSearch(db: Db, input: { id: string; runner: string; now: Date; end: ParameterSearchEnd }): Promise<boolean> {
  const rows = await db
    .update(parameterSearches)
    .set({ status: input.end.status, errorCode: input.end.errorCode ?? null, errorMessage: input.end.errorMessage ?? null, finishedAt: input.now })
    .where(heldBy(input.id, input.runner))
    .returning({ id: parameterSearches.id });
  return rows.length > 0;
}

/**
 * Stores the result and marks the search succeeded, unless a cancel was requested while it finished
 * (it ends cancelled, result dropped). Returns the status written, or undefined when the row was no
 * longer this runner's. One statement, so no reader sees the status without the result.
 */
export async function completeParameterSearch(
  db: Db,
  input: { id: string; runner: string; now: Date; result: unknown; rankingHash: string; progress: SearchProgressColumns },
): Promise<"succeeded" | "cancelled" | undefined> {
  const cancelled = parameterSearches.cancelRequested;
  const [row] = await db
    .update(parameterSearches)
    .set({
      status: sql`case when ${cancelled} then 'cancelled' else 'succeeded' end`,
      result: sql`case when ${cancelled} then null else ${JSON.stringify(input.result)}::jsonb end`,
      rankingHash: sql`case when ${cancelled} then null else ${input.rankingHash} end`,
      progressPhase: input.progress.phase,
      progressDone: input.progress.done,
      progressTotal: input.progress.total,
      finishedAt: input.now,
    })
    .where(heldBy(input.id, input.runner))
    .returning({ status: parameterSearches.status });
  return row?.status as "succeeded" | "cancelled" | undefined;
}

/** Puts a running search back in the queue (a clean shutdown): it starts over from the first candidate. */
export async function requeueParameterSearch(db: Db, input: { id: string; runner: string }): Promise<boolean> {
  const rows = await db
    .update(parameterSearches)
    .set({ status: "queued", runner: null, startedAt: null, heartbeatAt: null, progressPhase: null, progressDone: 0, progressTotal: 0 })
    .where(heldBy(input.id, input.runner))
    .returning({ id: parameterSearches.id });
  return rows.length > 0;
}

/**
 * A queued search is cancelled at once; a running one is flagged for its runner to stop. Returns
 * the row after the change, or undefined when it was in neither state (or does not exist).
 */
export async function requestParameterSearchCancel(db: Db, input: { id: string; now: Date }): Promise<ParameterSearchRow | undefined> {
  const status = parameterSearches.status;
  const [row] = await db
    .update(parameterSearches)
    .set({
      cancelRequested: true,
      status: sql`case when ${status} = 'queued' then 'cancelled' else ${status} end`,
      finishedAt: sql`case when ${status} = 'queued' then ${input.now.toISOString()}::timestamptz else ${parameterSearches.finishedAt} end`,
    })
    .where(and(eq(parameterSearches.id, input.id), or(eq(status, "queued"), eq(status, "running"))))
    .returning();
  return row;
}

/**
 * Fails running searches whose runner is gone: those an earlier run of this instance left behind
 * (`ownPrefix` but not `runner`), and anyone's whose heartbeat is older than `staleBefore`.
 */
export async function failInterruptedParameterSearches(
  db: Db,
  input: { ownPrefix: string; runner: string; staleBefore: Date; now: Date; message: string },
): Promise<string[]> {
  const rows = await db
    .update(parameterSearches)
    .set({ status: "failed", errorCode: "INTERRUPTED", errorMessage: input.message, finishedAt: input.now })
    .where(
      and(
        eq(parameterSearches.status, "running"),
        // starts_with, not LIKE: an instance id may contain "_", a LIKE wildcard.
        or(
          and(sql`starts_with(${parameterSearches.runner}, ${input.ownPrefix})`, ne(parameterSearches.runner, input.runner)),
          lt(parameterSearches.heartbeatAt, input.staleBefore),
        ),
      ),
    )
    .returning({ id: parameterSearches.id });
  return rows.map((r) => r.id);
}
