import { findOpenPosition, updateOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import type { Db } from "../../db/client.js";
import { rawQuery, type RawQuery } from "../../db/raw-query.js";
import { insertOrderRow } from "../../db/repositories/booking-repository.js";
import { dec, plain, type Dec } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import { isOpen, type Fill } from "../../domain/order.js";
import type { IdSource } from "../../lib/ids.js";
import { issue, planFillBooking, protectionOrders } from "../paper/paper-booking.js";
import type { CcxtVenue } from "./ccxt-venue.js";
import { openProtectionOfKey, VENUE_CANCEL_PENDING } from "../../db/repositories/native-protection-repository.js";
import { isProtectionRole, NO_NATIVE_PROTECTION, type ProtectionSupport } from "./stop-limit.js";
import type { VenueFee, VenueOrder } from "./types.js";
import { orderStatusOf } from "./venue-fills.js";
import type { TradingMetrics } from "../../metrics/port.js";
import type { Notifier } from "../../notifications/notifier.js";

export type BookingContext = {
  ids: IdSource;
  /** Which of a symbol's stop-loss and take-profit the venue takes as native orders; none without it. */
  nativeProtection?: ((symbol: string) => ProtectionSupport) | undefined;
  /**
   * Counts live fills. Counted as booked: a booking whose transaction then rolls back is booked
   * again by reconciliation and counted twice, which is rare enough for a rate.
   */
  metrics?: Pick<TradingMetrics, "filled"> | undefined;
  /** Writes fill and position-closed events with the booking (notifications). */
  notifier?: Notifier | undefined;
};

export type VenueBooking = {
  order: StoredOrder;
  fill: Fill | undefined;
  /** The stop-loss and take-profit of an entry this booking ended with a fill, just stored: `new` ones are native intents to send. */
  protection: StoredOrder[];
  /** Native stops and targets this booking ended in our books: to cancel at the exchange. */
  venueCancels: StoredOrder[];
};

/**
 * Brings one of our orders up to date with the venue's view of it, inside the caller's transaction
 * (which holds the symbol's lock): its status and venue id, and, when the venue has filled more
 * than we booked, one fill for the difference. The same code books an order's first answer and
 * whatever reconciliation finds later (a limit that filled while the gateway was down).
 *
 * The difference's price is what makes the order's average come out as the venue's:
 * (filled × average − booked × booked average) / (filled − booked). Its fees are the venue's
 * cumulative fees in proportion to the new quantity (exact when the order fills in one go). A fee
 * charged in the base asset comes off the quantity received on a buy (or adds to what a sell gives
 * up) and is valued at the fill price, so cash moves by exactly quantity × price and the position
 * matches the venue's balance; a fee in a third asset (BNB) cannot be valued here and counts 0.
 *
 * A fill that closes the position, or a stop or target that fills, ends the other stops and targets
 * (see endProtection); native ones come back in `venueCancels`, for the caller to cancel at the
 * exchange once the transaction has committed.
 */
export async function bookVenueOrder(
  tx: Db,
  ctx: BookingContext,
  current: StoredOrder,
  venueOrder: VenueOrder,
  rules: MarketRules | undefined,
  at: Date,
): Promise<VenueBooking> {
  const booked = dec(current.filledQuantity);
  const filled = dec(venueOrder.filled || "0");
  const average = venueOrder.average ?? venueOrder.price;
  const fill = rules && average && filled.gt(booked) ? differenceFill(current, venueOrder, rules, { booked, filled, average: dec(average) }, ctx.ids.next("fil"), at) : undefined;
  const updated: StoredOrder = {
    ...current,
    status: orderStatusOf(venueOrder),
    filledQuantity: plain(filled.gt(booked) ? filled : booked),
    averageFillPrice: fill && average ? plain(dec(average)) : current.averageFillPrice,
    venueOrderId: venueOrder.venueOrderId,
    updatedAt: at,
  };
  const writes = fill && rules ? await planFillBooking(ctx.ids, [fill], rules, (key) => findOpenPosition(tx, key.accountId, key.strategyId, key.symbol), ctx.notifier) : [];
  // Read before the booking's own cancel of a closed position's protection rewrites them.
  const others = writes.length > 0 ? (await openProtectionOfKey(tx, current)).filter((o) => o.id !== current.id) : [];
  await issue(rawQuery(tx), [() => updateOrder(tx, updated), ...writes]);
  const venueCancels = writes.length > 0 ? await endProtection(tx, updated, others, at) : [];
  const protection = endsWithFill(current, updated) ? await holdProtection(tx, ctx, updated) : [];
  if (fill) ctx.metrics?.filled("live", 1);
  return { order: updated, fill, protection, venueCancels };
}

/**
 * Whether this booking ends the order with something filled: filled, or cancelled or expired after a
 * partial fill. An entry then gets its stop-loss and take-profit for what it filled, as on paper; a
 * partly filled entry cancelled at the exchange would otherwise leave that part unprotected.
 */
function endsWithFill(before: StoredOrder, after: StoredOrder): boolean {
  return isOpen(before.status) && !isOpen(after.status) && after.status !== "rejected" && dec(after.filledQuantity).gt(0);
}

/**
 * Once the position is flat, every other stop and target of it is done (the booking has cancelled
 * those the gateway holds); once a stop or target has filled, so are its siblings, even when the
 * exchange's step leaves dust in the position. A native one, or one whose native intent may have
 * reached the exchange, is marked VENUE_CANCEL_PENDING and returned: it still locks the account's
 * coins there and would sell them when triggered.
 */
async function endProtection(tx: Db, booked: StoredOrder, others: readonly StoredOrder[], at: Date): Promise<StoredOrder[]> {
  const flat = !(await findOpenPosition(tx, booked.accountId, booked.strategyId, booked.symbol));
  const siblingFilled = isProtectionRole(booked.role) && booked.status === "filled";
  const ended = flat ? others : siblingFilled ? others.filter((o) => o.parentOrderId === booked.parentOrderId) : [];
  const cancels: StoredOrder[] = [];
  for (const order of ended) {
    const atVenue = order.venueOrderId !== null || order.status === "new";
    if (flat && !atVenue) continue;
    const done: StoredOrder = { ...order, status: "cancelled", rejectReason: atVenue ? VENUE_CANCEL_PENDING : order.rejectReason, updatedAt: at };
    await updateOrder(tx, done);
    if (atVenue) cancels.push(done);
  }
  return cancels;
}

/**
 * A live entry's stop-loss and take-profit once it has ended with a fill, for what it filled and the
 * position now holds (net of a base-asset commission, so an exit can never sell more than the
 * account has). Where the venue
 * takes them as native orders they are stored `new`, their intent committed with the entry's fill,
 * for the caller to send; otherwise `submitted` with no venue id: held by the gateway and watched
 * against the venue's price by the protection watcher.
 */
async function holdProtection(tx: Db, ctx: BookingContext, entry: StoredOrder): Promise<StoredOrder[]> {
  if (entry.role !== "entry" || (!entry.stopLossPrice && !entry.takeProfitPrice)) return [];
  const position = await findOpenPosition(tx, entry.accountId, entry.strategyId, entry.symbol);
  if (!position) return [];
  const held = dec(position.quantity).abs();
  const quantity = held.lt(entry.filledQuantity) ? plain(held) : entry.filledQuantity;
  const native = ctx.nativeProtection?.(entry.symbol) ?? NO_NATIVE_PROTECTION;
  const protection = protectionOrders(ctx.ids, { ...entry, filledQuantity: quantity }).map(
    (p): StoredOrder => ({ ...p, venueOrderId: null, status: isProtectionRole(p.role) && native[p.role] ? "new" : "submitted" }),
  );
  await issue(rawQuery(tx), protection.map((p) => (q: RawQuery) => insertOrderRow(q, p)));
  return protection;
}

function differenceFill(
  order: StoredOrder,
  venueOrder: VenueOrder,
  rules: MarketRules,
  q: { booked: Dec; filled: Dec; average: Dec },
  id: string,
  at: Date,
): Fill | undefined {
  const delta = q.filled.minus(q.booked);
  const bookedAverage = dec(order.averageFillPrice ?? "0");
  const price = q.booked.isZero() ? q.average : q.filled.mul(q.average).minus(q.booked.mul(bookedAverage)).div(delta);
  if (!price.gt(0)) return undefined;
  let quoteFee = dec(0);
  let baseFee = dec(0);
  for (const f of venueOrder.fees) {
    if (f.currency === rules.quote) quoteFee = quoteFee.plus(f.cost);
    else if (f.currency === rules.base) baseFee = baseFee.plus(f.cost);
  }
  const share = delta.div(q.filled);
  const baseFeeNow = baseFee.mul(share);
  const quantity = order.side === "buy" ? delta.minus(baseFeeNow) : delta.plus(baseFeeNow);
  return {
    id,
    orderId: order.id,
    accountId: order.accountId,
    strategyId: order.strategyId,
    symbol: order.symbol,
    side: order.side,
    quantity: plain(quantity),
    price: plain(price),
    fee: plain(quoteFee.mul(share).plus(baseFeeNow.mul(price))),
    liquidity: order.kind === "market" ? "taker" : "maker",
    filledAt: at,
  };
}

/**
 * How far before our order's creation its trades are looked for: the trades carry the exchange's
 * time, the order ours, and an exchange clock behind ours (Binance accepts requests up to its receive
 * window off) would otherwise hide the trades, and with them a base-asset commission the position
 * then overstates.
 */
const TRADES_CLOCK_SLACK_MS = 60_000;

/**
 * An order read back from the venue (fetchOrder) carries no fees on some exchanges (Binance's query
 * answer has no fills): when it filled and has none, its trades are read for them, so the booked
 * fill is net of a base-asset commission like one booked from the order's first answer.
 */
export async function withTradeFees(venue: CcxtVenue, order: StoredOrder, venueOrder: VenueOrder): Promise<VenueOrder> {
  if (venueOrder.fees.length > 0 || !dec(venueOrder.filled || "0").gt(order.filledQuantity)) return venueOrder;
  const trades = await venue.fetchMyTrades(order.symbol, new Date(order.createdAt.getTime() - TRADES_CLOCK_SLACK_MS));
  if (!trades.ok) return venueOrder;
  const fees = trades.value.filter((t) => t.venueOrderId === venueOrder.venueOrderId && t.fee).map((t) => t.fee as VenueFee);
  return { ...venueOrder, fees };
}
