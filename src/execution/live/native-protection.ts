import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { findOrderById, updateOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import type { Db } from "../../db/client.js";
import { dec } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import { bookVenueOrder, withTradeFees } from "./book-venue-order.js";
import type { CcxtVenue } from "./ccxt-venue.js";
import {
  nativeIntentsOfAccount,
  openProtectionOfKey,
  pendingVenueStepsOfAccount,
  VENUE_CANCEL_PENDING,
  VENUE_RELEASE_PENDING,
  workingNativeOfAccount,
} from "../../db/repositories/native-protection-repository.js";
import { haltingScope, withdrawHaltedIntent, withKillSwitchHeld } from "./kill-switch-send-guard.js";
import type { LiveOrderContext } from "./place-live-order.js";
import { isProtectionRole, protectionLevel } from "./stop-limit.js";
import type { SubmitResult, VenueOrder } from "./types.js";

type Rules = MarketRules | undefined;
export type TakeOff = { kind: "final"; order: VenueOrder } | { kind: "absent" } | { kind: "unknown" };

const WORKING: ReadonlySet<string> = new Set(["submitted", "partially_filled"]);

/**
 * Sends an entry's native stop-loss and take-profit intents (stored `new`), the stop first: on
 * Binance spot both lock the same coins, so the exchange refuses the target for insufficient
 * balance and the gateway holds it instead. Whatever the exchange does not take (refused, denied,
 * unreachable) is held by the gateway; an answer that never came leaves the intent `new` for
 * followNativeProtection, which looks it up by its client order id before anything is resent.
 */
export async function sendNativeProtection(ctx: LiveOrderContext, venue: CcxtVenue, rows: readonly StoredOrder[], rules: Rules): Promise<void> {
  const rank = (o: StoredOrder) => (o.role === "stop_loss" ? 0 : 1);
  for (const row of rows.filter((r) => r.status === "new").sort((a, b) => rank(a) - rank(b))) await sendIntent(ctx, venue, row, rules);
}

/**
 * Sends one intent and books the answer holding the kill switch shared, as an order's send does
 * (withKillSwitchHeld): a stop or target is a new order at the exchange too, so once HALTED has
 * committed it is withdrawn (cancelled TRADING_HALTED, never sent), the way the halt cancels the
 * stops and targets the gateway holds. Only intents not yet at the exchange come here: a first send,
 * or one its lookup did not find once the receive window had passed.
 */
async function sendIntent(ctx: LiveOrderContext, venue: CcxtVenue, row: StoredOrder, rules: Rules): Promise<void> {
  const cancels = await withKillSwitchHeld(ctx.db, async ({ read, book }) => {
    const halted = await haltingScope(read, row);
    if (halted) {
      return book(async (tx): Promise<StoredOrder[]> => {
        await withdrawHaltedIntent(tx, ctx, row, halted);
        return [];
      });
    }
    const level = protectionLevel(row);
    const result: SubmitResult =
      level && isProtectionRole(row.role)
        ? await venue.submitProtection({ clientOrderId: row.clientOrderId, symbol: row.symbol, side: row.side, role: row.role, triggerPrice: level, quantity: row.quantity })
        : { status: "rejected", reason: "VENUE_INVALID_ORDER", detail: "no protection level" };
    const answer = result.status === "accepted" ? await withTradeFees(venue, row, result.order) : undefined;
    return book((tx) => bookIntentAnswer(tx, ctx, row, result, answer, rules));
  });
  await cancelAtVenue(ctx, venue, cancels, rules);
}

/** Books what the exchange answered an intent; answers the native orders to cancel there. */
async function bookIntentAnswer(tx: Db, ctx: LiveOrderContext, row: StoredOrder, result: SubmitResult, answer: VenueOrder | undefined, rules: Rules): Promise<StoredOrder[]> {
  await lockSymbol(tx, row.symbol);
  const current = await findOrderById(tx, row.id);
  const now = ctx.clock.now();
  if (!current) return [];
  // Its position closed while it was on its way: what the exchange took is cancelled there.
  if (current.rejectReason === VENUE_CANCEL_PENDING) {
    if (!answer) return [];
    const known = { ...current, venueOrderId: answer.venueOrderId, updatedAt: now };
    await updateOrder(tx, known);
    return [known];
  }
  if (current.status !== "new") return [];
  if (answer) return (await bookVenueOrder(tx, ctx, current, answer, rules, now)).venueCancels;
  if (result.status === "unknown") return [];
  await updateOrder(tx, { ...current, status: "submitted", updatedAt: now });
  const reason = result.status === "accepted" ? undefined : result.reason;
  ctx.logger.info({ orderId: current.id, role: current.role, reason }, "native stop or target not placed; held by the gateway");
  return [];
}

/**
 * Before an exit: the position's native stops and targets lock the coins the exit sells, so they
 * come off the exchange first, and the gateway holds them from then on (for what remains after a
 * partial exit; a full one cancels them as it closes the position). The release is committed
 * before the cancel is sent, so a crash in between is finished by followNativeProtection.
 */
export async function releaseNativeProtection(ctx: LiveOrderContext, venue: CcxtVenue, exit: StoredOrder, rules: Rules): Promise<void> {
  const releasable = (o: StoredOrder) => o.venueOrderId !== null && o.rejectReason === null && WORKING.has(o.status);
  if (!(await openProtectionOfKey(ctx.db, exit)).some(releasable)) return;
  const marked = await ctx.db.transaction(async (tx) => {
    await lockSymbol(tx, exit.symbol);
    const now = ctx.clock.now();
    const rows = (await openProtectionOfKey(tx, exit)).filter(releasable).map((o) => ({ ...o, rejectReason: VENUE_RELEASE_PENDING, updatedAt: now }));
    for (const row of rows) await updateOrder(tx, row);
    return rows;
  });
  for (const row of marked) {
    const released = await settleVenueStep(ctx, venue, row, rules);
    ctx.logger.info({ orderId: row.id, exitOrderId: exit.id, released }, "native stop or target taken off the exchange for an exit");
  }
}

/**
 * Carries out the cancels at the exchange that a commit left pending (VENUE_CANCEL_PENDING): native
 * stops and targets a booking ended, resting exits a closing exit superseded. What fails now is
 * retried by the next pass.
 */
export async function cancelAtVenue(ctx: LiveOrderContext, venue: CcxtVenue, rows: readonly StoredOrder[], rules: Rules): Promise<void> {
  for (const row of rows) await settleVenueStep(ctx, venue, row, rules);
}

/**
 * One pass over an exchange account's native stops and targets, after the fact: intents whose
 * answer never came are looked up by client order id (and sent once the receive window since
 * they were written has passed without a trace of them); with `working`, those working at the
 * exchange are compared with its open orders, and what filled or vanished there is booked (which
 * ends the sibling); and every pending cancel or release is carried out.
 */
export async function followNativeProtection(
  ctx: LiveOrderContext,
  venue: CcxtVenue,
  accountId: string,
  rules: ReadonlyMap<string, MarketRules>,
  settleMs: number,
  options: { working: boolean },
): Promise<void> {
  for (const row of await nativeIntentsOfAccount(ctx.db, accountId)) {
    const found = await venue.fetchOrderByClientId(row.symbol, row.clientOrderId);
    if (!found.ok) continue;
    if (found.value) await bookFound(ctx, venue, row, found.value, rules.get(row.symbol), (c) => c.status === "new" && c.rejectReason === null);
    else if (ctx.clock.now().getTime() - row.createdAt.getTime() >= settleMs) await sendIntent(ctx, venue, row, rules.get(row.symbol));
  }
  if (options.working) await followWorking(ctx, venue, accountId, rules);
  for (const row of await pendingVenueStepsOfAccount(ctx.db, accountId)) await settleVenueStep(ctx, venue, row, rules.get(row.symbol), settleMs);
}

/** One open-order list per symbol; only an order gone from it, or filled further, is fetched and booked. */
async function followWorking(ctx: LiveOrderContext, venue: CcxtVenue, accountId: string, rules: ReadonlyMap<string, MarketRules>): Promise<void> {
  const bySymbol = new Map<string, StoredOrder[]>();
  for (const row of await workingNativeOfAccount(ctx.db, accountId)) bySymbol.set(row.symbol, [...(bySymbol.get(row.symbol) ?? []), row]);
  for (const [symbol, rows] of bySymbol) {
    const open = await venue.fetchOpenOrders(symbol);
    if (!open.ok) continue;
    for (const row of rows) {
      const listed = open.value.find((o) => o.clientOrderId === row.clientOrderId);
      if (listed && !dec(listed.filled || "0").gt(row.filledQuantity)) continue;
      const found = listed ? { ok: true as const, value: listed } : await venue.fetchOrderByClientId(symbol, row.clientOrderId);
      if (!found.ok || !found.value) continue;
      await bookFound(ctx, venue, row, found.value, rules.get(symbol), (c) => WORKING.has(c.status) && c.rejectReason === null);
    }
  }
}

async function bookFound(
  ctx: LiveOrderContext,
  venue: CcxtVenue,
  row: StoredOrder,
  found: VenueOrder,
  rules: Rules,
  stillSo: (current: StoredOrder) => boolean,
): Promise<void> {
  const answer = await withTradeFees(venue, row, found);
  const cancels = await ctx.db.transaction(async (tx) => {
    await lockSymbol(tx, row.symbol);
    const current = await findOrderById(tx, row.id);
    if (!current || !stillSo(current)) return [];
    const booked = await bookVenueOrder(tx, ctx, current, answer, rules, ctx.clock.now());
    if (booked.fill) ctx.logger.info({ orderId: current.id, role: current.role, filled: booked.fill.quantity, price: booked.fill.price }, "native stop or target filled at the exchange");
    return booked.venueCancels;
  });
  await cancelAtVenue(ctx, venue, cancels, rules);
}

/**
 * Carries out a pending cancel or release: the order comes off the exchange (or is found already
 * final there), and the answer is booked, fills included. A released order that the exchange
 * cancelled untouched goes back to the gateway (`submitted`, no venue id). An intent the exchange
 * has no trace of is settled only once `settleMs` since it was written has passed (never without
 * it). Returns whether the step is done; if not, the next pass tries again.
 */
async function settleVenueStep(ctx: LiveOrderContext, venue: CcxtVenue, row: StoredOrder, rules: Rules, settleMs?: number): Promise<boolean> {
  const step = row.rejectReason;
  const outcome = await takeOffVenue(venue, row);
  if (outcome.kind === "unknown") return false;
  if (outcome.kind === "absent" && row.venueOrderId === null && (settleMs === undefined || ctx.clock.now().getTime() - row.createdAt.getTime() < settleMs)) return false;
  const final = outcome.kind === "final" ? await withTradeFees(venue, row, outcome.order) : undefined;
  const cancels = await ctx.db.transaction(async (tx): Promise<StoredOrder[]> => {
    await lockSymbol(tx, row.symbol);
    const current = await findOrderById(tx, row.id);
    if (!current || current.rejectReason !== step) return [];
    const now = ctx.clock.now();
    const untouched = !final || !dec(final.filled || "0").gt(current.filledQuantity);
    if (step === VENUE_RELEASE_PENDING && WORKING.has(current.status) && untouched) {
      await updateOrder(tx, { ...current, status: "submitted", venueOrderId: null, rejectReason: null, updatedAt: now });
      return [];
    }
    if (final) return (await bookVenueOrder(tx, ctx, { ...current, rejectReason: null }, final, rules, now)).venueCancels;
    await updateOrder(tx, { ...current, status: "cancelled", rejectReason: null, updatedAt: now });
    return [];
  });
  await cancelAtVenue(ctx, venue, cancels, rules);
  return true;
}

/** Cancels the order at the exchange; one it no longer holds open is looked up by client order id for its final state. */
export async function takeOffVenue(venue: CcxtVenue, row: StoredOrder): Promise<TakeOff> {
  if (row.venueOrderId !== null) {
    const cancelled = await venue.cancelOrder(row.venueOrderId, row.symbol);
    if (cancelled.ok) return { kind: "final", order: cancelled.value };
    if (cancelled.error.kind !== "rejected") return { kind: "unknown" };
  }
  const found = await venue.fetchOrderByClientId(row.symbol, row.clientOrderId);
  if (!found.ok) return { kind: "unknown" };
  if (!found.value) return { kind: "absent" };
  if (found.value.status !== "open") return { kind: "final", order: found.value };
  const cancelled = await venue.cancelOrder(found.value.venueOrderId, row.symbol);
  return cancelled.ok ? { kind: "final", order: cancelled.value } : { kind: "unknown" };
}
