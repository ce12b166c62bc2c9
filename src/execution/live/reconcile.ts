import type { Db } from "../../db/client.js";
import { rawQuery } from "../../db/raw-query.js";
import { unsettledOrdersOfAccount } from "../../db/repositories/live-orders-repository.js";
import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { findOrderById, updateOrder } from "../../db/repositories/trading-repository.js";
import type { MarketRules } from "../../domain/market.js";
import type { Clock } from "../../lib/clock.js";
import type { IdSource } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import { bookVenueOrder, withTradeFees } from "./book-venue-order.js";
import type { CcxtVenue } from "./ccxt-venue.js";
import { hasPendingVenueStep } from "../../db/repositories/native-protection-repository.js";
import { followNativeProtection, sendNativeProtection } from "./native-protection.js";
import { orderRejectedEvent } from "../../notifications/events.js";
import type { Notifier } from "../../notifications/notifier.js";

export type ReconcileContext = { db: Db; clock: Clock; ids: IdSource; logger: Logger; notifier?: Notifier | undefined };

export type ReconcileOutcome = {
  /** Orders asked about. */
  checked: number;
  /** Orders whose state or fills changed. */
  updated: number;
  /** Orders the venue could not tell us about (unreachable, or too recent to call absent). */
  unresolved: number;
};

/**
 * Asks the venue, by client order id, about every order of the account whose final state we do not
 * know, and books what it says: fills that happened while the gateway was down or not looking, a
 * cancel or an expiry at the venue. An order still `new` that the venue does not have, once the
 * venue's receive window has passed since we wrote it, never reached it (or can no longer): it is
 * rejected, VENUE_ORDER_NOT_FOUND. Run at start and periodically.
 *
 * An entry found filled gets its stop-loss and target (native ones sent now); then the native
 * stops and targets whose answer never came, or whose cancel or release at the exchange is still
 * pending, are followed up (followNativeProtection; those steps are its, not this loop's).
 */
export async function reconcileOrders(
  ctx: ReconcileContext,
  venue: CcxtVenue,
  accountId: string,
  rules: ReadonlyMap<string, MarketRules>,
  settleMs: number,
): Promise<ReconcileOutcome> {
  const outcome: ReconcileOutcome = { checked: 0, updated: 0, unresolved: 0 };
  for (const order of await unsettledOrdersOfAccount(ctx.db, accountId)) {
    if (hasPendingVenueStep(order)) continue;
    outcome.checked++;
    const found = await venue.fetchOrderByClientId(order.symbol, order.clientOrderId);
    if (!found.ok) {
      outcome.unresolved++;
      continue;
    }
    const now = ctx.clock.now();
    const venueOrder = found.value ? await withTradeFees(venue, order, found.value) : undefined;
    if (!venueOrder && (order.status !== "new" || now.getTime() - order.createdAt.getTime() < settleMs)) {
      outcome.unresolved++;
      continue;
    }
    const { changed, protection } = await ctx.db.transaction(async (tx) => {
      const none = { changed: false, protection: [] };
      await lockSymbol(tx, order.symbol);
      const current = await findOrderById(tx, order.id);
      if (!current || !["new", "submitted", "partially_filled"].includes(current.status) || hasPendingVenueStep(current)) return none;
      if (!venueOrder) {
        const rejected = { ...current, status: "rejected" as const, rejectReason: "VENUE_ORDER_NOT_FOUND", updatedAt: now };
        await updateOrder(tx, rejected);
        const detail = "the exchange has no order with its client order id once its receive window has passed: it was never placed";
        if (ctx.notifier?.wants("order.rejected")) await ctx.notifier.record(rawQuery(tx), [orderRejectedEvent(rejected, { reason: "VENUE_ORDER_NOT_FOUND", detail, at: now })]);
        return { ...none, changed: true };
      }
      const booked = await bookVenueOrder(tx, { ...ctx, nativeProtection: venue.protectionSupport }, current, venueOrder, rules.get(current.symbol), now);
      return { changed: booked.fill !== undefined || booked.order.status !== current.status, protection: booked.protection };
    });
    await sendNativeProtection(ctx, venue, protection, rules.get(order.symbol));
    if (changed) {
      outcome.updated++;
      ctx.logger.info({ accountId, orderId: order.id, clientOrderId: order.clientOrderId }, "order reconciled with the venue");
    }
  }
  await followNativeProtection(ctx, venue, accountId, rules, settleMs, { working: false });
  return outcome;
}
