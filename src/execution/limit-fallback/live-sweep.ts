import { limitsInFallback, workingLimitsWithFallback, type WorkingLimitRow } from "../../db/repositories/expired-limits-repository.js";
import { lockKillSwitchShared } from "../../db/repositories/kill-switch-lock.js";
import { LIMIT_FALLBACK_PENDING } from "../../db/repositories/native-protection-repository.js";
import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { findOrderById, updateOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import { plain } from "../../domain/decimal.js";
import { StrategyConfigSchema } from "../../domain/strategy-config.js";
import { DEFAULT_RISK_LIMITS } from "../../risk/limits.js";
import { bookVenueOrder, withTradeFees } from "../live/book-venue-order.js";
import type { LiveVenues } from "../live/live-venues-port.js";
import { cancelAtVenue, sendNativeProtection, takeOffVenue } from "../live/native-protection.js";
import { commitIntent, sendIntent, type LiveOrderContext } from "../live/place-live-order.js";
import { WORKING_STATUSES } from "../paper/order-fills.js";
import { dueFallbacks, LIMIT_TIMEOUT, unfilledRemainder, type DueFallback } from "./due.js";
import { fallBackEach, replacementOf, replacementOutcome, type FallbackResult } from "./sweep.js";

/**
 * The limit fallback on exchange accounts. The limit rests at the exchange, so expiring it in our
 * books alone would leave it free to fill there unseen; and its remainder must go out at most once
 * whatever crashes. Three steps:
 *
 * 1. The order is marked LIMIT_FALLBACK_PENDING (still working), committed: from here the fallback
 *    owns it (reconciliation leaves it alone) and a crash resumes it at step 2.
 * 2. The exchange cancels it, or says it is final already (it filled before we asked). A cancel not
 *    taken now leaves the mark for the next sweep: nothing else changes.
 * 3. In one transaction, holding the kill switch shared and the symbol's lock as an order does: what
 *    the exchange answered is booked (fills included), a cancelled order becomes `expired`
 *    LIMIT_TIMEOUT, and in market mode the remainder's intent is committed (through the risk engine,
 *    with the same deterministic client order id as on paper). Then it is sent as any live order's
 *    intent is: an answer that never comes leaves it for reconciliation, never sent twice.
 */
export async function sweepLiveLimits(ctx: LiveOrderContext, liveVenues: LiveVenues): Promise<FallbackResult[]> {
  const now = ctx.clock.now();
  const due = [...resumed(await limitsInFallback(ctx.db)), ...dueFallbacks(await workingLimitsWithFallback(ctx.db, "live"), now, "live")];
  return fallBackEach(ctx.logger, "live", due, (item) => fallBack(ctx, liveVenues, item));
}

/**
 * Fallbacks already started: finished whatever the strategy says now (the expiry was decided), in the
 * mode its configuration still names, else cancel only.
 */
function resumed(rows: readonly WorkingLimitRow[]): DueFallback[] {
  return rows.map((row) => {
    const parsed = StrategyConfigSchema.safeParse(row.strategyConfig ?? {});
    const config = parsed.success ? parsed.data : undefined;
    return {
      order: row.order,
      fallback: config?.limitFallback ?? { afterSeconds: 1, to: "cancel" },
      limits: config?.riskLimits ?? DEFAULT_RISK_LIMITS,
      mayTrade: row.strategyEnabled && config?.mode === "live",
    };
  });
}

const notExpired = (order: StoredOrder): FallbackResult => ({ orderId: order.id, expired: false, replacement: null });

async function fallBack(ctx: LiveOrderContext, liveVenues: LiveVenues, due: DueFallback): Promise<FallbackResult> {
  const venue = liveVenues.venueOf(due.order.accountId);
  if (!venue) return notExpired(due.order);
  const markets = await venue.loadMarkets();
  const rules = markets.ok ? markets.value.get(due.order.symbol) : undefined;
  const marked = due.order.rejectReason === LIMIT_FALLBACK_PENDING ? due.order : await mark(ctx, due.order);
  if (!marked) return notExpired(due.order);
  const off = await takeOffVenue(venue, marked);
  if (off.kind === "absent") ctx.logger.warn({ orderId: marked.id, clientOrderId: marked.clientOrderId }, "timed-out limit not found at its exchange; the next sweep asks again");
  if (off.kind !== "final") return notExpired(due.order);
  const final = await withTradeFees(venue, marked, off.order);
  const done = await ctx.db.transaction(async (tx) => {
    await lockKillSwitchShared(tx);
    await lockSymbol(tx, marked.symbol);
    const current = await findOrderById(tx, marked.id);
    if (!current || current.rejectReason !== LIMIT_FALLBACK_PENDING) return undefined;
    if (!WORKING_STATUSES.includes(current.status)) {
      // Ended meanwhile by someone else (an operator's cancel booked what the exchange said): it is
      // theirs, and nothing replaces it.
      await updateOrder(tx, { ...current, rejectReason: null, updatedAt: ctx.clock.now() });
      return undefined;
    }
    const booking = await bookVenueOrder(tx, { ...ctx, nativeProtection: venue.protectionSupport }, { ...current, rejectReason: null }, final, rules, ctx.clock.now());
    if (booking.order.status !== "cancelled") return { booking, expired: undefined, intent: undefined };
    const expired: StoredOrder = { ...booking.order, status: "expired", rejectReason: LIMIT_TIMEOUT, updatedAt: ctx.clock.now() };
    await updateOrder(tx, expired);
    const remainder = unfilledRemainder(expired);
    const replace = due.fallback.to === "market" && due.mayTrade && !remainder.isZero();
    const intent = replace ? await commitIntent(tx, ctx, replacementOf(expired, plain(remainder), due), rules) : undefined;
    return { booking, expired, intent };
  });
  if (!done) return notExpired(due.order);
  await sendNativeProtection(ctx, venue, done.booking.protection, rules);
  await cancelAtVenue(ctx, venue, done.booking.venueCancels, rules);
  if (!done.expired) return notExpired(due.order);
  if (!done.intent) return { orderId: due.order.id, expired: true, replacement: null };
  const placed = done.intent.kind === "done" ? done.intent.result : await sendIntent(ctx, venue, done.intent, rules);
  return { orderId: due.order.id, expired: true, replacement: replacementOutcome(placed) };
}

/** Step 1: the mark, only on an order still working with no other step under way. */
async function mark(ctx: LiveOrderContext, order: StoredOrder): Promise<StoredOrder | undefined> {
  return ctx.db.transaction(async (tx) => {
    await lockSymbol(tx, order.symbol);
    const current = await findOrderById(tx, order.id);
    if (!current || !WORKING_STATUSES.includes(current.status) || current.rejectReason !== null || current.venueOrderId === null) return undefined;
    const marked: StoredOrder = { ...current, rejectReason: LIMIT_FALLBACK_PENDING, updatedAt: ctx.clock.now() };
    await updateOrder(tx, marked);
    return marked;
  });
}
