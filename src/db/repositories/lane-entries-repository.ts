import { and, asc, eq, inArray, isNotNull, type SQL } from "drizzle-orm";
import type { OrderSide } from "../../domain/order.js";
import type { Db } from "../client.js";
import { orders } from "../schema/orders.js";
import { ON_PAPER, toOrder, type StoredOrder } from "./trading-repository.js";

export type Lane = { readonly accountId: string; readonly strategyId: string; readonly symbol: string };

/** The lane's working entries (not reduce-only) on the given sides: what a later signal supersedes. */
function workingEntriesOf(lane: Lane, sides: readonly OrderSide[]): SQL | undefined {
  return and(
    eq(orders.accountId, lane.accountId),
    eq(orders.strategyId, lane.strategyId),
    eq(orders.symbol, lane.symbol),
    eq(orders.role, "entry"),
    eq(orders.reduceOnly, false),
    inArray(orders.side, [...sides]),
    inArray(orders.status, ["submitted", "partially_filled"]),
  );
}

/**
 * Cancels the lane's working entries (not reduce-only) on the given sides, in one statement, and
 * returns them: what a later signal supersedes. Paper accounts only: an exchange's order is not
 * ours to mark cancelled.
 */
export async function cancelWorkingEntriesOfLane(db: Db, lane: Lane, sides: readonly OrderSide[], at: Date, reason: string): Promise<StoredOrder[]> {
  const rows = await db
    .update(orders)
    .set({ status: "cancelled", rejectReason: reason, updatedAt: at })
    .where(and(workingEntriesOf(lane, sides), ON_PAPER))
    .returning();
  // Oldest first, as the notes list them.
  return rows.sort((a, b) => a.seq - b.seq).map(toOrder);
}

/**
 * The lane's working entries (not reduce-only) on the given sides that an exchange accepted (they
 * have its order id), oldest first: what a later live signal supersedes, to be cancelled there.
 */
export async function workingVenueEntriesOfLane(db: Db, lane: Lane, sides: readonly OrderSide[]): Promise<StoredOrder[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(and(workingEntriesOf(lane, sides), isNotNull(orders.venueOrderId)))
    .orderBy(asc(orders.seq));
  return rows.map(toOrder);
}
