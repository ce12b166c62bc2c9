import { findPositionRowById, listPositionRows } from "../db/repositories/trading-queries-repository.js";
import { ApiError } from "../http/errors.js";
import { isStorableInstant } from "../lib/instant-range.js";
import type { TradingContext } from "./context.js";
import { decodeCursor, encodeCursor, invalidCursor, pageOf, resolveStrategyFilter, type Page } from "./query-input.js";
import { marksFor, valuePosition, type ValuedPosition } from "./valuation.js";

export type PositionListInput = {
  strategy?: string | undefined;
  symbol?: string | undefined;
  status?: "open" | "closed" | undefined;
  limit: number;
  cursor?: string | undefined;
};

// Positions have no insertion sequence; openedAt never changes (a flip keeps it), so (openedAt, id)
// is a stable keyset, where updatedAt would move a position between pages as it trades.
const CURSOR = /^p(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/;

/** Newest opened first, with cursor pagination; open positions carry their mark and unrealized PnL. */
export async function listPositions({ ctx, input }: { ctx: TradingContext; input: PositionListInput }): Promise<Page<ValuedPosition>> {
  const strategyId = await resolveStrategyFilter(ctx.db, input.strategy);
  if (strategyId === null) return { rows: [], nextCursor: null };
  let before: { openedAt: Date; id: string } | undefined;
  if (input.cursor) {
    const [, ms, id] = decodeCursor(input.cursor, CURSOR);
    // Fifteen digits reach past year 9999, which the timestamptz comparison would refuse as a 500.
    if (!isStorableInstant(Number(ms))) throw invalidCursor();
    before = { openedAt: new Date(Number(ms)), id: id as string };
  }
  const rows = await listPositionRows(ctx.db, {
    ...(strategyId ? { strategyId } : {}),
    ...(input.symbol ? { symbol: input.symbol } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(before ? { before } : {}),
    limit: input.limit + 1,
  });
  const page = pageOf(rows, input.limit, (last) => encodeCursor("p", `${last.openedAt.getTime()}.${last.id}`));
  const marks = await marksFor(ctx.db, page.rows);
  return { rows: page.rows.map((row) => valuePosition(row, marks)), nextCursor: page.nextCursor };
}

export async function getPosition({ ctx, input }: { ctx: TradingContext; input: { id: string } }): Promise<ValuedPosition> {
  const row = await findPositionRowById(ctx.db, input.id);
  if (!row) throw new ApiError("NOT_FOUND", `no position with id ${input.id}`);
  return valuePosition(row, await marksFor(ctx.db, [row]));
}
