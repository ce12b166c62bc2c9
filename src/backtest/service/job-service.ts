import type { Db } from "../../db/client.js";
import type { JobFilter } from "../../db/repositories/job-rows-repository.js";
import { decodeCursor, encodeCursor, pageOf, type Page } from "../../trading/query-input.js";
import type { BacktestContext } from "./context.js";

/** What the service does alike for backtests and parameter searches, each kind on its own rows and queue. */

export type JobListInput = { status?: string | undefined; strategyId?: string | undefined; limit: number; cursor?: string | undefined };

/**
 * Newest first, with cursor pagination. `tag` marks the kind's cursors (b, p), so one kind's
 * cursor is refused by the other's listing rather than read as a position in it.
 */
export async function jobPage<Row extends { seq: number }>(
  input: JobListInput,
  tag: string,
  list: (filter: JobFilter) => Promise<Row[]>,
): Promise<Page<Row>> {
  const rows = await list({
    ...(input.status ? { status: input.status } : {}),
    ...(input.strategyId ? { strategyId: input.strategyId } : {}),
    ...(input.cursor ? { beforeSeq: Number(decodeCursor(input.cursor, new RegExp(`^${tag}(\\d{1,18})$`))[1]) } : {}),
    limit: input.limit + 1,
  });
  return pageOf(rows, input.limit, (last) => encodeCursor(tag, String(last.seq)));
}

/**
 * Stores a job's row and queues its job in one transaction, so neither exists without the other;
 * after the commit, an idle local worker looks at once.
 */
export async function queueJob<Row>(ctx: BacktestContext, insert: (tx: Db) => Promise<Row>, enqueue: (tx: Db) => Promise<void>): Promise<Row> {
  const row = await ctx.db.transaction(async (tx) => {
    const inserted = await insert(tx);
    await enqueue(tx);
    return inserted;
  });
  ctx.jobs.wake();
  return row;
}
