import type { MarketRules } from "../../domain/market.js";
import type { Fill, Order } from "../../domain/order.js";
import { entryRefusal, stateForOrder } from "../../domain/trading-state.js";
import type { Db } from "../../db/client.js";
import { insertOrderRow } from "../../db/repositories/booking-repository.js";
import {
  cancelWorkingOrder,
  findOrderById,
  openPositionsOfSymbol,
  restingOrdersOfSymbol,
  updateOrder,
  type StoredOrder,
  type StoredPosition,
} from "../../db/repositories/trading-repository.js";
import { lockSymbol, lockSymbols } from "../../db/repositories/symbol-lock.js";
import { restrictedTradingStates } from "../../db/repositories/trading-states-repository.js";
import { rawQuery, type RawQuery } from "../../db/raw-query.js";
import type { ApprovedOrder } from "../../risk/types.js";
import type { Clock } from "../../lib/clock.js";
import type { IdSource } from "../../lib/ids.js";
import type { TradingMetrics } from "../../metrics/port.js";
import type { Notifier } from "../../notifications/notifier.js";
import { orderFromApproval } from "../approved-order.js";
import { dec } from "../../domain/decimal.js";
import { fillOnArrival, onPrice, positionKey, type HeldPositions, type PaperMatchingConfig } from "./index.js";
import type { AccountIncrements } from "./account-increments.js";
import { issue, planFillBooking, protectionOrders, type Write } from "./paper-booking.js";
import { paperMarket } from "./paper-markets.js";
import type { WritesBehind } from "./writes-behind.js";

export type PaperVenueContext = {
  db: Db;
  clock: Clock;
  ids: IdSource;
  matching: PaperMatchingConfig;
  metrics: TradingMetrics;
  /** Fills, closed positions, denials and state changes go to the outbox in their own transaction; absent: nowhere. */
  notifier?: Notifier | undefined;
  /**
   * Set by a caller that writes its transaction's account increments itself, at its end (a signal:
   * see account-increments.ts); absent, each order's booking writes them.
   */
  accountIncrements?: AccountIncrements | undefined;
  /**
   * Set by a caller that settles its transaction's bookings itself before it commits (a signal: see
   * writes-behind.ts); absent, each order waits for its own booking.
   */
  writesBehind?: WritesBehind | undefined;
};

export type Execution = { order: StoredOrder; fills: Fill[]; protection: StoredOrder[] };

/**
 * Places an approved order on the paper venue and books its consequences (order, fills, position,
 * cash, protective orders), inside the caller's transaction: placeOrder's, which holds the kill
 * switch's shared lock and the symbol's lock, has read the trading states and the position under
 * them, and found the client order id unused. A market order fills at once, and so does a limit
 * already through the reference price (fillOnArrival); any other limit or stop rests.
 * Every write is issued together, one round trip (not waited for, with `ctx.writesBehind`); an
 * order id that turns out taken after all throws, and the caller's transaction rolls back with
 * everything it booked.
 */
export async function executePaperOrder(
  ctx: Pick<PaperVenueContext, "ids" | "matching" | "notifier" | "accountIncrements" | "writesBehind">,
  query: RawQuery,
  input: {
    orderId: string;
    approved: ApprovedOrder;
    clientOrderId: string;
    /** null for manual orders. */
    signalId: string | null;
    leg: number;
    role: StoredOrder["role"];
    rules: MarketRules;
    referencePrice: string;
    stopLoss?: string | undefined;
    takeProfit?: string | undefined;
    /** The strategy's open position in the symbol, as read under the locks. */
    position: StoredPosition | undefined;
    now: Date;
  },
): Promise<Execution> {
  const { approved, now } = input;
  const submitted = orderFromApproval(approved, {
    id: input.orderId,
    clientOrderId: input.clientOrderId,
    signalId: input.signalId,
    leg: input.leg,
    role: input.role,
    stopLoss: input.stopLoss,
    takeProfit: input.takeProfit,
    status: "submitted",
    venueOrderId: input.orderId,
    now,
  });
  let order = submitted;
  let fills: readonly Fill[] = [];
  let protection: StoredOrder[] = [];
  const writes: Write[] = [];
  const match = fillOnArrival(submitted, input.referencePrice, input.rules, ctx.matching, now, () => ctx.ids.next("fil"));
  if (match) {
    order = { ...submitted, ...match.order };
    fills = match.fills;
    writes.push(...(await planFillBooking(ctx.ids, fills, input.rules, async () => input.position, ctx.notifier, ctx.accountIncrements)));
    protection = protectionOrders(ctx.ids, order);
  }
  let inserted = false;
  const booked = issue(query, [
    async (q) => {
      inserted = await insertOrderRow(q, order);
    },
    ...writes,
    ...protection.map((p): Write => (q) => insertOrderRow(q, p)),
  ]).then(() => {
    if (!inserted) throw new Error(`order ${order.clientOrderId} already existed; the booking is rolled back`);
  });
  if (ctx.writesBehind) ctx.writesBehind.add(booked);
  else await booked;
  return { order, fills: [...fills], protection };
}

/** A price for `symbol`: resting limits, stops and targets that it crosses fill now, in one transaction. */
export async function applyPriceEvent(ctx: PaperVenueContext, symbol: string, price: string): Promise<Fill[]> {
  const rules = paperMarket(symbol);
  if (!rules) return [];
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    // Under the symbol's lock, a cancel or a new order cannot change these orders between read and write.
    await lockSymbol(tx, symbol);
    // Read under the lock, in one round trip: the orders; the positions, which reduce-only orders
    // may reduce and the fills book onto; and the scopes not ACTIVE, whose entries resting since
    // before (a REDUCING account, a daily-loss HALTED) are cancelled when the price reaches them.
    const [resting, positions, states] = await Promise.all([restingOrdersOfSymbol(tx, symbol), openPositionsOfSymbol(tx, symbol), restrictedTradingStates(tx)]);
    if (resting.length === 0) return [];
    const open = new Map(positions.map((p) => [positionKey(p), p]));
    const held: HeldPositions = new Map(positions.map((p) => [positionKey(p), dec(p.quantity)]));
    const refuse = (order: Order) => entryRefusal(stateForOrder(states, order));
    const result = onPrice(resting, price, rules, ctx.matching, now, () => ctx.ids.next("fil"), held, refuse);
    const writes = await planFillBooking(ctx.ids, result.fills, rules, async (key) => open.get(positionKey(key)), ctx.notifier);
    for (const [i, updated] of result.orders.entries()) {
      const before = resting[i] as StoredOrder;
      if (updated === before) continue;
      const stored: StoredOrder = { ...before, ...updated };
      writes.push(() => updateOrder(tx, stored));
      // A resting entry (a limit) gets its protection when it fills, as a market entry does at once,
      // and for the part it filled when it is cancelled (protectionOrders decides).
      if (before.status !== stored.status && (stored.status === "filled" || stored.status === "cancelled")) {
        for (const p of protectionOrders(ctx.ids, stored)) writes.push((q) => insertOrderRow(q, p));
      }
    }
    await issue(rawQuery(tx), writes);
    ctx.metrics.filled("paper", result.fills.length);
    return [...result.fills];
  });
}

/**
 * Cancels one working order. undefined: no such order; `cancelled: false`: it was already final
 * (filled, cancelled, rejected, expired) and is returned as it is. Cancels need no trading state.
 * An entry cancelled after a partial fill gets its protection for the part that filled.
 */
export async function cancelPaperOrder(
  ctx: Pick<PaperVenueContext, "db" | "clock" | "ids">,
  input: { orderId: string; reason: string | null },
): Promise<{ order: StoredOrder; cancelled: boolean } | undefined> {
  return ctx.db.transaction(async (tx) => {
    const current = await findOrderById(tx, input.orderId);
    if (!current) return undefined;
    await lockSymbol(tx, current.symbol);
    const cancelled = await cancelWorkingOrder(tx, current.id, ctx.clock.now(), input.reason);
    if (cancelled) {
      await protectPartialEntry(ctx, tx, cancelled);
      return { order: cancelled, cancelled: true };
    }
    return { order: (await findOrderById(tx, current.id)) ?? current, cancelled: false };
  });
}

/** Protection for what an entry that ended early (expired or cancelled) did fill; nothing for anything else. */
export async function protectPartialEntry(ctx: Pick<PaperVenueContext, "ids">, tx: Db, ended: StoredOrder): Promise<StoredOrder[]> {
  const protection = protectionOrders(ctx.ids, ended);
  await issue(rawQuery(tx), protection.map((p): Write => (q) => insertOrderRow(q, p)));
  return protection;
}

/** Cancels those of `orders` still working, inside the caller's transaction; returns the ones it cancelled. */
export async function cancelPaperOrders(db: Db, orders: readonly StoredOrder[], at: Date, reason: string): Promise<StoredOrder[]> {
  await lockSymbols(db, orders.map((o) => o.symbol));
  const cancelled: StoredOrder[] = [];
  for (const order of orders) {
    const done = await cancelWorkingOrder(db, order.id, at, reason);
    if (done) cancelled.push(done);
  }
  return cancelled;
}
