import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client.js";
import { orders } from "../schema/orders.js";
import { toOrder, type StoredOrder } from "./trading-repository.js";

/**
 * An exchange account's orders whose final state we do not know yet: `new` (the intent is committed,
 * the venue's answer is not) and those still working at the venue. Oldest first.
 */
export async function unsettledOrdersOfAccount(db: Db, accountId: string): Promise<StoredOrder[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.accountId, accountId), inArray(orders.status, ["new", "submitted", "partially_filled"])))
    .orderBy(asc(orders.seq));
  return rows.map(toOrder);
}
