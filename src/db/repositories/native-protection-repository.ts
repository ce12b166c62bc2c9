import { and, asc, eq, inArray, isNotNull, isNull, or, ne, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { orders } from "../schema/orders.js";
import { toOrder, type StoredOrder } from "./trading-repository.js";

/**
 * Where an exchange account's stops and targets stand when they are native orders. A native one is
 * stored like any protection order, with the exchange's order id once it has one. The few steps
 * that need a venue call after the database has changed carry the pending step in `rejectReason`
 * (the schema has no other free column), committed before the call so a crash resumes it:
 */

/**
 * Done in our books, still to be cancelled at the exchange: a stop or target whose position closed
 * or whose sibling filled, or a signal's resting exit that a closing exit superseded.
 */
export const VENUE_CANCEL_PENDING = "VENUE_CANCEL_PENDING";
/** Taken off the exchange so an exit can sell what it locks: then held by the gateway (engine-managed). */
export const VENUE_RELEASE_PENDING = "VENUE_RELEASE_PENDING";

/**
 * An exchange account's signal limit past its strategy's limitFallback timeout: to be cancelled at
 * the exchange, then booked expired and, in market mode, replaced (execution/limit-fallback/live-sweep.ts).
 */
export const LIMIT_FALLBACK_PENDING = "LIMIT_FALLBACK_PENDING";

const PENDING = [VENUE_CANCEL_PENDING, VENUE_RELEASE_PENDING];
const WORKING = ["submitted", "partially_filled"];
const isProtection = inArray(orders.role, ["stop_loss", "take_profit"]);
const isReduceOnlyExit = and(eq(orders.role, "exit"), eq(orders.reduceOnly, true));

/** Whether a step at the exchange is under way for the order: reconciliation leaves it to the step's owner. */
export const hasPendingVenueStep = (order: { rejectReason: string | null }): boolean =>
  order.rejectReason !== null && (PENDING.includes(order.rejectReason) || order.rejectReason === LIMIT_FALLBACK_PENDING);

type PositionKey = { accountId: string; strategyId: string; symbol: string };
const ofKey = (key: PositionKey) => and(eq(orders.accountId, key.accountId), eq(orders.strategyId, key.strategyId), eq(orders.symbol, key.symbol));

async function select(db: Db, where: SQL | undefined): Promise<StoredOrder[]> {
  const rows = await db.select().from(orders).where(where).orderBy(asc(orders.seq));
  return rows.map(toOrder);
}

/** The position key's stops and targets still working or still to be sent, native or not. */
export function openProtectionOfKey(db: Db, key: PositionKey): Promise<StoredOrder[]> {
  return select(db, and(ofKey(key), isProtection, inArray(orders.status, ["new", ...WORKING])));
}

/** Native stops and targets whose intent is committed but whose exchange answer is not recorded. */
export function nativeIntentsOfAccount(db: Db, accountId: string): Promise<StoredOrder[]> {
  return select(db, and(eq(orders.accountId, accountId), isProtection, eq(orders.status, "new"), isNull(orders.rejectReason)));
}

/** Native stops and targets working at the exchange, with no step pending. */
export function workingNativeOfAccount(db: Db, accountId: string): Promise<StoredOrder[]> {
  return select(
    db,
    and(eq(orders.accountId, accountId), isProtection, inArray(orders.status, WORKING), isNotNull(orders.venueOrderId), isNull(orders.rejectReason)),
  );
}

/**
 * A position key's reduce-only exits working at the exchange: a signal's limit exit resting there,
 * which locks the coins it sells (spot) and, left there once the position is flat, would sell or
 * reduce the key's next position. `except` is the exit being placed or booked.
 */
export function restingExitsOfKey(db: Db, key: PositionKey, except: string): Promise<StoredOrder[]> {
  return select(
    db,
    and(ofKey(key), isReduceOnlyExit, ne(orders.id, except), inArray(orders.status, WORKING), isNotNull(orders.venueOrderId), isNull(orders.rejectReason)),
  );
}

/** Stops, targets and resting exits with a cancel or a release at the exchange still to do. */
export function pendingVenueStepsOfAccount(db: Db, accountId: string): Promise<StoredOrder[]> {
  return select(db, and(eq(orders.accountId, accountId), or(isProtection, isReduceOnlyExit), inArray(orders.rejectReason, PENDING)));
}
