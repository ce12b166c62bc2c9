import { and, asc, eq, inArray, isNull, not, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { orders } from "../schema/orders.js";
import { toOrder, type StoredOrder } from "./trading-repository.js";

const PROTECTION_ROLES = ["stop_loss", "take_profit"];

/** A stop or target the gateway holds itself (never sent): the protection watcher's, not the venue's. */
const engineManaged = and(inArray(orders.role, PROTECTION_ROLES), isNull(orders.venueOrderId)) as SQL;

/**
 * An exchange account's orders whose final state we do not know yet: `new` (the intent is committed,
 * the venue's answer is not) and those still working at the venue. Oldest first. The stops and
 * targets the gateway holds itself are not the venue's to report on.
 */
export async function unsettledOrdersOfAccount(db: Db, accountId: string): Promise<StoredOrder[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.accountId, accountId), inArray(orders.status, ["new", "submitted", "partially_filled"]), not(engineManaged)))
    .orderBy(asc(orders.seq));
  return rows.map(toOrder);
}

/** The working stops and targets the gateway holds for an exchange account. */
export async function heldProtectionOfAccount(db: Db, accountId: string): Promise<StoredOrder[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.accountId, accountId), eq(orders.status, "submitted"), engineManaged))
    .orderBy(asc(orders.seq));
  return rows.map(toOrder);
}
