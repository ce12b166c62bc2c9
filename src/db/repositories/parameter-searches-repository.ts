import { desc, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { parameterSearches, type NewParameterSearchRow, type ParameterSearchRow } from "../schema/parameter-searches.js";
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

/** The parameter_searches row's lifecycle: job-rows-repository.ts's, with a search's progress and result. */

export async function insertParameterSearch(db: Db, row: NewParameterSearchRow): Promise<ParameterSearchRow> {
  const [inserted] = await db.insert(parameterSearches).values(row).returning();
  if (!inserted) throw new Error("inserting a parameter search returned no row");
  return inserted;
}

export const findParameterSearchById = (db: Db, id: string) => findJobById(db, parameterSearches, id);

// A listing leaves the result out: a ranking of thousands of candidates per row would make a page megabytes.
const { result: _result, ...listColumns } = getTableColumns(parameterSearches);
export type ParameterSearchListRow = Omit<ParameterSearchRow, "result">;

export async function listParameterSearchRows(db: Db, filter: JobFilter): Promise<ParameterSearchListRow[]> {
  return db
    .select(listColumns)
    .from(parameterSearches)
    .where(jobFilterWhere(parameterSearches, filter))
    .orderBy(desc(parameterSearches.seq))
    .limit(filter.limit);
}

export const queuedParameterSearchIds = (db: Db) => queuedJobIds(db, parameterSearches);

/** A run starts, and starts over after a requeue (from the first candidate), with no phase and nothing done. */
const NO_PROGRESS = { progressPhase: null, progressDone: 0, progressTotal: 0 } as const;

export const claimParameterSearch = (db: Db, input: { id: string; runner: string; now: Date }) => claimJob(db, parameterSearches, input, NO_PROGRESS);

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
    .where(heldBy(parameterSearches, input.id, input.runner))
    .returning({ cancelRequested: parameterSearches.cancelRequested });
  return row;
}

export const endParameterSearch = (db: Db, input: { id: string; runner: string; now: Date; end: JobEnd }) => endJob(db, parameterSearches, input);

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
    .where(heldBy(parameterSearches, input.id, input.runner))
    .returning({ status: parameterSearches.status });
  return row?.status as "succeeded" | "cancelled" | undefined;
}

export const requeueParameterSearch = (db: Db, input: { id: string; runner: string }) => requeueJob(db, parameterSearches, input, NO_PROGRESS);

export const requestParameterSearchCancel = (db: Db, input: { id: string; now: Date }) => requestJobCancel(db, parameterSearches, input);

export const failInterruptedParameterSearches = (db: Db, input: InterruptedSweep) => failInterruptedJobs(db, parameterSearches, input);
