import {
  findParameterSearchById,
  listParameterSearchRows,
  requestParameterSearchCancel,
  type ParameterSearchListRow,
} from "../../db/repositories/parameter-searches-repository.js";
import type { ParameterSearchRow } from "../../db/schema/parameter-searches.js";
import { ApiError } from "../../http/errors.js";
import type { Page } from "../../trading/query-input.js";
import type { BacktestContext } from "./context.js";
import { jobPage, type JobListInput } from "./job-service.js";

/** Newest first, with cursor pagination; without their results. */
export async function listParameterSearches({ ctx, input }: { ctx: BacktestContext; input: JobListInput }): Promise<Page<ParameterSearchListRow>> {
  return jobPage(input, "p", (filter) => listParameterSearchRows(ctx.db, filter));
}

export async function getParameterSearch({ ctx, input }: { ctx: BacktestContext; input: { id: string } }): Promise<ParameterSearchRow> {
  const row = await findParameterSearchById(ctx.db, input.id);
  if (!row) throw new ApiError("NOT_FOUND", `no parameter search with id ${input.id}`);
  return row;
}

/**
 * A queued search is cancelled now; a running one stops before its next candidate or within the
 * engine's next 50 000 bars (on this instance at once, on another at its next heartbeat) and ends
 * cancelled. A finished one cannot be: 409.
 */
export async function cancelParameterSearch({ ctx, input }: { ctx: BacktestContext; input: { id: string } }): Promise<ParameterSearchRow> {
  const row = await requestParameterSearchCancel(ctx.db, { id: input.id, now: ctx.clock.now() });
  if (!row) {
    const current = await getParameterSearch({ ctx, input });
    throw new ApiError("CONFLICT", `parameter search ${current.id} already finished (${current.status})`, { extensions: { searchStatus: current.status } });
  }
  if (row.status === "running") ctx.jobs.searches.cancelLocal(row.id);
  return row;
}
