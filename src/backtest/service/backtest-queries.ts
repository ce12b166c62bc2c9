import {
  backtestEquityRows,
  findBacktestById,
  listBacktestRows,
  listBacktestTradeRows,
  requestBacktestCancel,
} from "../../db/repositories/backtests-repository.js";
import type { BacktestTradeRow } from "../../db/schema/backtest-trades.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import { ApiError } from "../../http/errors.js";
import { decodeCursor, encodeCursor, pageOf, type Page } from "../../trading/query-input.js";
import type { BacktestContext } from "./context.js";
import { jobPage, type JobListInput } from "./job-service.js";

const TRADE_CURSOR = /^t(\d{1,9})$/;

/** Newest first, with cursor pagination. */
export async function listBacktests({ ctx, input }: { ctx: BacktestContext; input: JobListInput }): Promise<Page<BacktestRow>> {
  return jobPage(input, "b", (filter) => listBacktestRows(ctx.db, filter));
}

export async function getBacktest({ ctx, input }: { ctx: BacktestContext; input: { id: string } }): Promise<BacktestRow> {
  const row = await findBacktestById(ctx.db, input.id);
  if (!row) throw new ApiError("NOT_FOUND", `no backtest with id ${input.id}`);
  return row;
}

/** Trades, the equity curve and the report exist once a backtest has succeeded; before, a 409 says where it is. */
export async function getSucceededBacktest({ ctx, input }: { ctx: BacktestContext; input: { id: string } }): Promise<BacktestRow> {
  const row = await getBacktest({ ctx, input });
  if (row.status !== "succeeded") {
    throw new ApiError("CONFLICT", `backtest ${row.id} is ${row.status}: its results exist only once it has succeeded`, {
      extensions: { backtestStatus: row.status },
    });
  }
  return row;
}

/** Oldest first (the engine's order), with cursor pagination. */
export async function listBacktestTrades({
  ctx,
  input,
}: {
  ctx: BacktestContext;
  input: { id: string; limit: number; cursor?: string | undefined };
}): Promise<Page<BacktestTradeRow>> {
  await getSucceededBacktest({ ctx, input });
  const rows = await listBacktestTradeRows(ctx.db, {
    backtestId: input.id,
    ...(input.cursor ? { afterSeq: Number(decodeCursor(input.cursor, TRADE_CURSOR)[1]) } : {}),
    limit: input.limit + 1,
  });
  return pageOf(rows, input.limit, (last) => encodeCursor("t", String(last.seq)));
}

export async function getBacktestEquity({ ctx, input }: { ctx: BacktestContext; input: { id: string } }): Promise<{ time: number[]; equity: number[] }> {
  await getSucceededBacktest({ ctx, input });
  const rows = await backtestEquityRows(ctx.db, input.id);
  return { time: rows.map((r) => r.time.getTime()), equity: rows.map((r) => r.equity) };
}

/**
 * A queued backtest is cancelled now; a running one stops at its next bar (on this instance at once,
 * on another at its next heartbeat) and ends cancelled. A finished one cannot be: 409.
 */
export async function cancelBacktest({ ctx, input }: { ctx: BacktestContext; input: { id: string } }): Promise<BacktestRow> {
  const row = await requestBacktestCancel(ctx.db, { id: input.id, now: ctx.clock.now() });
  if (!row) {
    const current = await getBacktest({ ctx, input });
    throw new ApiError("CONFLICT", `backtest ${current.id} already finished (${current.status})`, { extensions: { backtestStatus: current.status } });
  }
  if (row.status === "running") ctx.jobs.cancelLocal(row.id);
  return row;
}
