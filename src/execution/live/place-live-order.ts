import { insertOrderRow } from "../../db/repositories/booking-repository.js";
import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { findDecisionOfOrder, findOrderById, updateOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import type { RiskDecisionRow } from "../../db/schema/risk-decisions.js";
import type { Db } from "../../db/client.js";
import { rawQuery } from "../../db/raw-query.js";
import type { MarketRules } from "../../domain/market.js";
import type { Clock } from "../../lib/clock.js";
import type { IdSource } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import { signalIdOf } from "../client-order-id.js";
import { orderFromApproval } from "../approved-order.js";
import { decideOrder } from "../decide-order.js";
import type { PlaceOrderInput, PlaceOrderResult } from "../place-order.js";
import type { CcxtVenue } from "./ccxt-venue.js";
import { bookVenueOrder, withTradeFees, type VenueBooking } from "./book-venue-order.js";
import { haltingScope, withdrawHaltedIntent, withKillSwitchHeld } from "./kill-switch-send-guard.js";
import { cancelAtVenue, releaseNativeProtection, sendNativeProtection } from "./native-protection.js";
import { fitExitToPosition, withdrawRestingExits } from "./resting-exits.js";
import type { SubmitResult } from "./types.js";
import { setStateByVenue, VENUE_AUTH_REASONS } from "./venue-state.js";
import { orderRejectedEvent } from "../../notifications/events.js";
import type { Notifier } from "../../notifications/notifier.js";

export type LiveOrderContext = { db: Db; clock: Clock; ids: IdSource; logger: Logger; notifier?: Notifier | undefined };

/** What the first transaction decided: nothing to send, or an order whose intent is committed. */
export type LiveIntent =
  | { kind: "done"; result: PlaceOrderResult }
  | { kind: "send"; order: StoredOrder; decision: RiskDecisionRow | null; referencePrice: string | undefined; resumed: boolean };

/**
 * One order onto an exchange. Unlike paper, the intent must be committed before the venue call, and
 * a crash must never end in a blind resubmission (invariant 2), so it takes three steps:
 *
 * 1. Under the kill switch's and the symbol's locks, the same decision as paper (decideOrder), and on
 *    approval the order row in status `new` with its deterministic client order id: committed, so
 *    the intent is on record before anything is sent.
 * 2. The venue call, holding the kill switch's shared lock again (withKillSwitchHeld), after the
 *    trading state is read once more: HALTED since step 1 cancels the intent unsent. The adapter
 *    fits the quantity to the venue's rules, retries what is transient, and after an ambiguous
 *    failure looks the order up by its client order id before sending again. An order found still
 *    `new` (a crash after step 1, or a claim taken over) is only looked up: see lookUp.
 * 3. In the same transaction, under the symbol's lock, the venue's answer: the order's status, its
 *    fill (position, cash, fees, today's PnL, booked as paper books them), or the rejection's
 *    reason. An authentication failure halts the account. An outcome the venue could not confirm
 *    leaves the order `new`.
 *
 * Native stops and targets (see native-protection.ts): an exit first takes the position's off the
 * exchange, since they lock the coins it sells, and one that closes the position takes its resting
 * exits off too (see resting-exits.ts); a filled entry's are sent once its fill is booked;
 * those the booking ended (the position closed) are cancelled at the exchange.
 */
export async function placeLiveOrder(ctx: LiveOrderContext, venue: CcxtVenue, input: PlaceOrderInput, rules: MarketRules | undefined): Promise<PlaceOrderResult> {
  const intent = await ctx.db.transaction((tx) => commitIntent(tx, ctx, input, rules));
  return intent.kind === "done" ? intent.result : sendIntent(ctx, venue, intent, rules);
}

/**
 * Steps 2 and 3 for an intent whose first step has committed (placeLiveOrder's, or a caller's that
 * committed it with other work, as the limit fallback does with the expiry it replaces).
 */
export async function sendIntent(ctx: LiveOrderContext, venue: CcxtVenue, intent: Extract<LiveIntent, { kind: "send" }>, rules: MarketRules | undefined): Promise<PlaceOrderResult> {
  let { order } = intent;
  if (!intent.resumed && order.role === "exit") {
    const withdrawn = await withdrawRestingExits(ctx, venue, order, rules);
    await releaseNativeProtection(ctx, venue, order, rules);
    if (withdrawn > 0) {
      const fitted = await fitExitToPosition(ctx, order, rules, intent.referencePrice);
      if (fitted.kind === "withdrawn") return { decision: intent.decision, order: fitted.order, duplicate: false };
      order = fitted.order;
    }
  }
  // Steps 2 and 3 hold the kill switch (see withKillSwitchHeld): a halt waits for this send and then
  // cancels what it left working; a halt committed since step 1 stops the send here.
  const applied = await withKillSwitchHeld(ctx.db, async ({ read, book }) => {
    const halted = intent.resumed ? null : await haltingScope(read, order);
    if (halted) return book(async (tx) => ({ order: await withdrawHaltedIntent(tx, ctx, order, halted), protection: [], venueCancels: [] }));
    const result = intent.resumed ? await lookUp(venue, order) : await venue.submitOrder({
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      kind: order.kind === "limit" ? "limit" : "market",
      quantity: order.quantity,
      limitPrice: order.limitPrice ?? undefined,
      referencePrice: intent.referencePrice,
      reduceOnly: order.reduceOnly,
    });
    // An order found by lookup (after an ambiguous send) comes back without its fills' fees on some
    // venues: read them from its trades first.
    const answer = result.status === "accepted" ? { ...result, order: await withTradeFees(venue, order, result.order) } : result;
    return book((tx) => applyVenueResult(tx, ctx, venue, order, answer, rules));
  });
  try {
    await sendNativeProtection(ctx, venue, applied.protection, rules);
    await cancelAtVenue(ctx, venue, applied.venueCancels, rules);
  } catch (err) {
    // The order's booking stands; the protection's pending steps are resumed by the next pass.
    ctx.logger.error({ err, orderId: order.id }, "native stop or target step failed; left for the next pass");
  }
  return { decision: intent.decision, order: applied.order, duplicate: intent.resumed };
}

/**
 * An intent found still `new` (its signal is being processed again: a crash, or a claim taken over)
 * is only looked up, never sent again: its first send may still be in flight from the process that
 * wrote it. Not found yet, it stays `new`; reconciliation settles it once the venue's receive window
 * has passed (found, or rejected VENUE_ORDER_NOT_FOUND).
 */
async function lookUp(venue: CcxtVenue, order: StoredOrder): Promise<SubmitResult> {
  const found = await venue.fetchOrderByClientId(order.symbol, order.clientOrderId);
  if (found.ok && found.value) return { status: "accepted", order: found.value, quantity: order.quantity, truncated: false, attempts: 0, recovered: "lookup" };
  const detail = found.ok ? "not found at the venue yet" : `lookup failed: ${found.error.reason}`;
  return { status: "unknown", reason: "VENUE_OUTCOME_UNKNOWN", detail };
}

/** Step 1, inside the caller's transaction: the decision and, on approval, the order's intent (`new`). */
export async function commitIntent(tx: Db, ctx: LiveOrderContext, input: PlaceOrderInput, rules: MarketRules | undefined): Promise<LiveIntent> {
  const decided = await decideOrder(tx, ctx, input, rules);
  if (decided.kind === "denied") return { kind: "done", result: { decision: decided.decision, order: null, duplicate: false } };
  if (decided.kind === "existing") {
    const [order, decision] = await Promise.all([findOrderById(tx, decided.orderId), findDecisionOfOrder(tx, decided.orderId)]);
    if (!order) throw new Error(`order ${decided.orderId} vanished inside its transaction`);
    // Sent before a crash, answer never recorded: ask the venue rather than send it again.
    if (order.status === "new") return { kind: "send", order, decision: decision ?? null, referencePrice: undefined, resumed: true };
    return { kind: "done", result: { decision: decision ?? null, order, duplicate: true } };
  }
  const { approved, now } = decided;
  const order = orderFromApproval(approved, {
    id: ctx.ids.next("ord"),
    clientOrderId: decided.clientOrderId,
    signalId: signalIdOf(input.origin),
    leg: input.leg,
    role: input.role,
    stopLoss: input.stopLoss,
    takeProfit: input.takeProfit,
    status: "new",
    venueOrderId: null,
    now,
  });
  const [inserted, decision] = await Promise.all([insertOrderRow(decided.query, order), decided.storeApproval(order.id)]);
  if (!inserted) throw new Error(`order ${order.clientOrderId} already existed; the intent is rolled back`);
  return { kind: "send", order, decision, referencePrice: decided.referencePrice, resumed: false };
}

type Applied = Pick<VenueBooking, "order" | "protection" | "venueCancels">;

/** What a refusal says beyond its reason: the exchange's (redacted) text, or the market limit the adapter applied. */
function rejectionDetail(result: Exclude<SubmitResult, { status: "accepted" | "unknown" }>): string | null {
  if (result.status === "denied") return result.limit ?? null;
  return result.detail ?? null;
}

async function applyVenueResult(
  tx: Db,
  ctx: LiveOrderContext,
  venue: CcxtVenue,
  sent: StoredOrder,
  result: SubmitResult,
  rules: MarketRules | undefined,
): Promise<Applied> {
  await lockSymbol(tx, sent.symbol);
  const current = (await findOrderById(tx, sent.id)) ?? sent;
  const unchanged = { order: current, protection: [], venueCancels: [] };
  // Someone (reconciliation, another instance) recorded the venue's answer first: it stands.
  if (current.status !== "new") return unchanged;
  const now = ctx.clock.now();
  if (result.status === "unknown") {
    ctx.logger.warn({ orderId: current.id, clientOrderId: current.clientOrderId }, "venue outcome unknown; left for reconciliation");
    return unchanged;
  }
  if (result.status !== "accepted") {
    const reason = result.reason;
    // A key the venue refuses will not get better by retrying: the account stops until an operator looks.
    if (VENUE_AUTH_REASONS.has(reason)) await setStateByVenue(tx, ctx.logger, { accountId: current.accountId, state: "HALTED", reason, at: now }, ctx.notifier);
    const rejected: StoredOrder = { ...current, status: "rejected", rejectReason: reason, updatedAt: now };
    await updateOrder(tx, rejected);
    if (ctx.notifier?.wants("order.rejected")) await ctx.notifier.record(rawQuery(tx), [orderRejectedEvent(rejected, { reason, detail: rejectionDetail(result), at: now })]);
    return { ...unchanged, order: rejected };
  }
  const booked = await bookVenueOrder(tx, { ...ctx, nativeProtection: venue.protectionSupport }, { ...current, quantity: result.quantity }, result.order, rules, now);
  if (booked.fill) ctx.logger.info({ orderId: current.id, filled: booked.fill.quantity, price: booked.fill.price }, "live order filled");
  return booked;
}
