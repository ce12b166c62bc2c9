import { fillsOfOrder, findOrderRowById, listOrderRows } from "../db/repositories/trading-queries-repository.js";
import type { FillRow } from "../db/schema/fills.js";
import type { OrderRow } from "../db/schema/orders.js";
import { ApiError } from "../http/errors.js";
import type { TradingContext } from "./context.js";
import { decodeCursor, encodeCursor, pageOf, resolveStrategyFilter, type Page } from "./query-input.js";

export type OrderListInput = {
  strategy?: string | undefined;
  symbol?: string | undefined;
  status?: string | undefined;
  signal?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};

export type OrderWithFills = { order: OrderRow; fills: FillRow[] };

const CURSOR = /^o(\d{1,18})$/;

/** Newest first (by insertion order), with cursor pagination. */
export async function listOrders({ ctx, input }: { ctx: TradingContext; input: OrderListInput }): Promise<Page<OrderRow>> {
  const strategyId = await resolveStrategyFilter(ctx.db, input.strategy);
  if (strategyId === null) return { rows: [], nextCursor: null };
  const rows = await listOrderRows(ctx.db, {
    ...(strategyId ? { strategyId } : {}),
    ...(input.symbol ? { symbol: input.symbol } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.signal ? { signalId: input.signal } : {}),
    ...(input.cursor ? { beforeSeq: Number(decodeCursor(input.cursor, CURSOR)[1]) } : {}),
    limit: input.limit + 1,
  });
  return pageOf(rows, input.limit, (last) => encodeCursor("o", String(last.seq)));
}

export async function getOrder({ ctx, input }: { ctx: TradingContext; input: { id: string } }): Promise<OrderWithFills> {
  const order = await findOrderRowById(ctx.db, input.id);
  if (!order) throw new ApiError("NOT_FOUND", `no order with id ${input.id}`);
  return { order, fills: await fillsOfOrder(ctx.db, order.id) };
}
