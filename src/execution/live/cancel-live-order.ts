import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { workingVenueEntriesOfLane, type Lane } from "../../db/repositories/lane-entries-repository.js";
import { findOrderById, updateOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import type { OrderSide } from "../../domain/order.js";
import { WORKING_STATUSES } from "../paper/order-fills.js";
import { bookVenueOrder, type VenueBooking } from "./book-venue-order.js";
import type { CcxtVenue } from "./ccxt-venue.js";
import { cancelAtVenue, sendNativeProtection } from "./native-protection.js";
import type { LiveOrderContext } from "./place-live-order.js";
import type { VenueOrder } from "./types.js";

export type LiveCancel = { ok: true; order: StoredOrder } | { ok: false; reason: string };

/**
 * Cancels one of our orders working at its exchange (sent: it has a venue order id) and books what
 * the exchange answers: cancelled, with whatever it filled before; or filled, when a fill beat the
 * cancel there. Then, as after any booking, a partly filled entry's stop and target are sent and
 * what the booking ended is cancelled at the exchange. A cancel the exchange refuses because the
 * order is already final there (it filled before we asked) books that final state from a lookup. A
 * cancel refused otherwise, or never answered, changes nothing in our books: the order may still be
 * working there, and `ok: false` says so. Marking it cancelled here alone would leave it free to fill
 * unseen, and the position to drift.
 */
export async function cancelLiveOrder(ctx: LiveOrderContext, venue: CcxtVenue, order: StoredOrder, reason: string | null = null): Promise<LiveCancel> {
  if (order.venueOrderId === null) throw new Error(`order ${order.id} was never accepted by its exchange: nothing to cancel there`);
  const cancelled = await venue.cancelOrder(order.venueOrderId, order.symbol);
  const answer = cancelled.ok ? cancelled.value : await finalAtVenue(venue, order);
  if (!answer) return { ok: false, reason: cancelled.ok ? "VENUE_ORDER_STILL_OPEN" : cancelled.error.reason };
  const markets = await venue.loadMarkets();
  const rules = markets.ok ? markets.value.get(order.symbol) : undefined;
  const booked = await ctx.db.transaction(async (tx): Promise<Pick<VenueBooking, "order" | "protection" | "venueCancels">> => {
    await lockSymbol(tx, order.symbol);
    const current = (await findOrderById(tx, order.id)) ?? order;
    // Booked final meanwhile (reconciliation, the protection watcher): nothing left to apply.
    if (!WORKING_STATUSES.includes(current.status)) return { order: current, protection: [], venueCancels: [] };
    const booking = await bookVenueOrder(tx, { ...ctx, nativeProtection: venue.protectionSupport }, current, answer, rules, ctx.clock.now());
    if (reason === null || booking.order.status !== "cancelled") return booking;
    // Why it was cancelled, on the order as on paper (the exchange's answer carries no reason).
    const reasoned = { ...booking.order, rejectReason: reason };
    await updateOrder(tx, reasoned);
    return { ...booking, order: reasoned };
  });
  await sendNativeProtection(ctx, venue, booked.protection, rules);
  await cancelAtVenue(ctx, venue, booked.venueCancels, rules);
  return { ok: true, order: booked.order };
}

/** The order as the exchange holds it, when it is final there (filled, cancelled, expired); undefined otherwise. */
async function finalAtVenue(venue: CcxtVenue, order: StoredOrder): Promise<VenueOrder | undefined> {
  const found = await venue.fetchOrderByClientId(order.symbol, order.clientOrderId);
  return found.ok && found.value && found.value.status !== "open" ? found.value : undefined;
}

export type LaneCancels = { cancelled: StoredOrder[]; notCancelled: Array<{ order: StoredOrder; reason: string }> };

/**
 * Cancels at the exchange the lane's working entries on `sides` that a later signal supersedes,
 * as the paper venue cancels its own (cancelLaneEntries), each with `reason`. One the exchange does
 * not cancel now is answered with why: it may still fill, and the signal's trace says so.
 */
export async function cancelLiveLaneEntries(ctx: LiveOrderContext, venue: CcxtVenue, lane: Lane, sides: readonly OrderSide[], reason: string): Promise<LaneCancels> {
  const result: LaneCancels = { cancelled: [], notCancelled: [] };
  for (const entry of await workingVenueEntriesOfLane(ctx.db, lane, sides)) {
    const done = await cancelLiveOrder(ctx, venue, entry, reason);
    if (!done.ok) result.notCancelled.push({ order: entry, reason: done.reason });
    // A fill that beat the cancel leaves it filled: superseded too late, nothing to note.
    else if (done.order.status === "cancelled") result.cancelled.push(done.order);
  }
  return result;
}
