import { and, asc, eq, inArray } from "drizzle-orm";
import type { OrderSide } from "../../domain/order.js";
import type { Db } from "../client.js";
import { orders } from "../schema/orders.js";
import { ON_PAPER, toOrder, type StoredOrder } from "./trading-repository.js";

export type Lane = { readonly accountId: string; readonly strategyId: string; readonly symbol: string };

/**
 * The lane's working entries (not reduce-only) on the given sides, oldest first: what a later
 * signal may supersede. Paper accounts only: an exchange's order is not ours to mark cancelled.
 */
export async function workingEntriesOfLane(db: Db, lane: Lane, sides: readonly OrderSide[]): Promise<StoredOrder[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.accountId, lane.accountId),
        eq(orders.strategyId, lane.strategyId),
        eq(orders.symbol, lane.symbol),
        eq(orders.role, "entry"),
        eq(orders.reduceOnly, false),
        inArray(orders.side, [...sides]),
        inArray(orders.status, ["submitted", "partially_filled"]),
        ON_PAPER,
      ),
    )
    .orderBy(asc(orders.seq));
  return rows.map(toOrder);
}
