import {
  findParameterSearchById,
  listParameterSearchRows,
  requestParameterSearchCancel,
  type ParameterSearchListRow,
} from "../../db/repositories/parameter-searches-repository.js";
import type { ParameterSearchRow } from "../../db/schema/parameter-searches.js";
import { ApiError } from "../../http/errors.js";
import { decodeCursor, encodeCursor, pageOf, type Page } from "../../trading/query-input.js";
import type { BacktestContext } from "./context.js";

const LIST_CURSOR = /^p(\d{1,18})$/;

export type ParameterSearchListInput = { status?: string | undefined; strategyId?: string | undefined; limit: number; cursor?: string | undefined };

/** Newest first, with cursor pagination; without their results. */
export async function listParameterSearches({ ctx, input }: { ctx: BacktestContext; input: ParameterSearchListInput }): Promise<Page<ParameterSearchListRow>> {
  const rows = await listParameterSearchRows(ctx.db, {
    ...(input.status ? { status: input.status } : {}),
    ...(input.strategyId ? { strategyId: input.strategyId } : {}),
    ...(input.cursor ? { beforeSeq: Number(decodeCursor(input.cursor, LIST_CURSOR)[1]) } : {}),
    limit: input.limit + 1,
  });
  return pageOf(rows, input.limit, (last) => encodeCursor("p", String(last.seq)));
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
