import { cashDelta } from "../../domain/account.js";
import type { MarketRules } from "../../domain/market.js";
import { opposite, type Fill, type Order, type OrderRole } from "../../domain/order.js";
import { applyFill } from "../../domain/position.js";
import type { Db } from "../../db/client.js";
import {
  addToAccount,
  cancelWorkingOrder,
  findOpenPosition,
  findOrderByClientId,
  findOrderById,
  insertFill,
  insertOrder,
  restingOrders,
  restingOrdersOfSymbol,
  savePosition,
  updateOrder,
  type StoredOrder,
  type StoredPosition,
} from "../../db/repositories/trading-repository.js";
import type { ApprovedOrder } from "../../risk/types.js";
import type { Clock } from "../../lib/clock.js";
import type { IdSource } from "../../lib/ids.js";
import { clientOrderId } from "../client-order-id.js";
import { lockKillSwitchShared } from "../../db/repositories/kill-switch-lock.js";
import { lockSymbol, lockSymbols } from "../../db/repositories/symbol-lock.js";
import { findTradingState } from "../../db/repositories/trading-states-repository.js";
import { mostRestrictive, type TradingState } from "../../domain/trading-state.js";
import { fillMarketOrder, onPrice, type PaperMatchingConfig } from "./index.js";
import { paperMarket } from "./paper-markets.js";

export type PaperVenueContext = { db: Db; clock: Clock; ids: IdSource; matching: PaperMatchingConfig };

export type Execution = { order: StoredOrder; fills: Fill[]; protection: StoredOrder[]; duplicate: boolean };

/**
 * Places an approved order on the paper venue and books its consequences (order, fills, position,
 * cash, protective orders) in one transaction: either all of it happened or none of it did. A
 * second call with the same client order id returns the order the first one placed. Inside a
 * caller's transaction it runs as a savepoint, so the caller can commit its own rows with it.
 */
export async function executePaperOrder(
  ctx: PaperVenueContext,
  input: {
    approved: ApprovedOrder;
    clientOrderId: string;
    /** null for manual orders. */
    signalId: string | null;
    leg: number;
    role: OrderRole;
    rules: MarketRules;
    referencePrice: string;
    stopLoss?: string | undefined;
    takeProfit?: string | undefined;
  },
): Promise<Execution> {
  const now = ctx.clock.now();
  const id = input.clientOrderId;
  return ctx.db.transaction(async (tx) => {
    await lockKillSwitchShared(tx);
    await lockSymbol(tx, input.approved.symbol);
    const existing = await findOrderByClientId(tx, id);
    if (existing) return { order: existing, fills: [], protection: [], duplicate: true };
    const { approved } = input;
    const halted = await haltedFor(tx, approved);
    const order: StoredOrder = {
      id: ctx.ids.next("ord"),
      clientOrderId: id,
      accountId: approved.accountId,
      strategyId: approved.strategyId,
      signalId: input.signalId,
      leg: input.leg,
      symbol: approved.symbol,
      side: approved.side,
      kind: approved.kind,
      role: input.role,
      quantity: approved.quantity,
      limitPrice: approved.limitPrice ?? null,
      stopPrice: approved.stopPrice ?? null,
      reduceOnly: approved.reduceOnly,
      parentOrderId: null,
      stopLossPrice: input.role === "entry" ? (input.stopLoss ?? null) : null,
      takeProfitPrice: input.role === "entry" ? (input.takeProfit ?? null) : null,
      status: "new",
      filledQuantity: "0",
      averageFillPrice: null,
      venueOrderId: null,
      rejectReason: null,
      createdAt: now,
      updatedAt: now,
    };
    // A twin committed since the lookup (the same id from another instance): answer with it.
    if (!(await insertOrder(tx, order))) {
      const twin = await findOrderByClientId(tx, id);
      if (twin) return { order: twin, fills: [], protection: [], duplicate: true };
      throw new Error(`order ${id} neither inserted nor found`);
    }
    if (halted) {
      // The risk engine approved it, but the kill switch moved since: it never reaches the venue.
      const rejected: StoredOrder = { ...order, status: "rejected", rejectReason: halted };
      await updateOrder(tx, rejected);
      return { order: rejected, fills: [], protection: [], duplicate: false };
    }
    const submitted: StoredOrder = { ...order, status: "submitted", venueOrderId: order.id };
    if (order.kind !== "market") {
      await updateOrder(tx, submitted);
      return { order: submitted, fills: [], protection: [], duplicate: false };
    }
    const match = fillMarketOrder(submitted, input.referencePrice, input.rules, ctx.matching, now, () => ctx.ids.next("fil"));
    await bookFills(ctx, tx, match.fills, input.rules);
    const filled: StoredOrder = { ...order, ...match.order };
    await updateOrder(tx, filled);
    const protection = await placeProtection(ctx, tx, filled);
    return { order: filled, fills: [...match.fills], protection, duplicate: false };
  });
}

/** The state as of this transaction, under the shared kill-switch lock; a reason when the order may not go. */
async function haltedFor(db: Db, order: ApprovedOrder): Promise<string | undefined> {
  const states = await Promise.all([
    findTradingState(db, "global", ""),
    findTradingState(db, "account", order.accountId),
    findTradingState(db, "strategy", order.strategyId),
  ]);
  const state = mostRestrictive(...states.map((s) => (s?.state as TradingState | undefined) ?? "ACTIVE"));
  if (state === "HALTED") return "TRADING_HALTED";
  if (state === "REDUCING" && !order.reduceOnly) return "TRADING_REDUCING";
  return undefined;
}

/** A price for `symbol`: resting limits, stops and targets that it crosses fill now, in one transaction. */
export async function applyPriceEvent(ctx: PaperVenueContext, symbol: string, price: string): Promise<Fill[]> {
  const rules = paperMarket(symbol);
  if (!rules) return [];
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    // Under the symbol's lock, a cancel or a new order cannot change these orders between read and write.
    await lockSymbol(tx, symbol);
    const resting = await restingOrdersOfSymbol(tx, symbol);
    if (resting.length === 0) return [];
    const result = onPrice(resting, price, rules, ctx.matching, now, () => ctx.ids.next("fil"));
    await bookFills(ctx, tx, [...result.fills], rules);
    for (const [i, updated] of result.orders.entries()) {
      const before = resting[i] as StoredOrder;
      if (updated === before) continue;
      const stored: StoredOrder = { ...before, ...updated };
      await updateOrder(tx, stored);
      // A resting entry (a limit) gets its protection when it fills, as a market entry does at once.
      if (before.status !== "filled" && stored.status === "filled") await placeProtection(ctx, tx, stored);
    }
    return [...result.fills];
  });
}

/** Each fill moves the position, the realized PnL, the cash and the fees; a close cancels leftover protection. */
async function bookFills(ctx: PaperVenueContext, db: Db, fills: readonly Fill[], rules: MarketRules): Promise<void> {
  for (const fill of fills) {
    const current = await findOpenPosition(db, fill.accountId, fill.strategyId, fill.symbol);
    const update = applyFill(current, fill, rules);
    const position: StoredPosition = { ...update.position, id: current?.id ?? ctx.ids.next("pos") };
    await savePosition(db, position);
    await insertFill(db, fill, position.id, update.realizedPnl);
    await addToAccount(db, fill.accountId, cashDelta(fill, rules).toFixed(), fill.fee, fill.filledAt);
    if (update.closed) await cancelProtection(db, fill.accountId, fill.strategyId, fill.symbol, fill.filledAt);
  }
}

/** No orphan stops: once the position is flat, its stop-loss and take-profit orders are cancelled. */
async function cancelProtection(db: Db, accountId: string, strategyId: string, symbol: string, at: Date): Promise<void> {
  for (const order of await restingOrders(db, accountId, symbol)) {
    if (order.strategyId === strategyId && (order.role === "stop_loss" || order.role === "take_profit")) {
      await updateOrder(db, { ...order, status: "cancelled", updatedAt: at });
    }
  }
}

/** A filled entry gets its stop-loss (stop-market) and take-profit (limit), reduce-only, for the filled quantity. */
async function placeProtection(ctx: PaperVenueContext, db: Db, entry: StoredOrder): Promise<StoredOrder[]> {
  const placed: StoredOrder[] = [];
  if (entry.role !== "entry" || entry.status !== "filled") return placed;
  const legs: Array<[OrderRole, Order["kind"], string | null]> = [
    ["stop_loss", "stop", entry.stopLossPrice],
    ["take_profit", "limit", entry.takeProfitPrice],
  ];
  for (const [role, kind, price] of legs) {
    if (!price) continue;
    const order: StoredOrder = {
      ...entry,
      id: ctx.ids.next("ord"),
      clientOrderId: clientOrderId(entry.signalId ?? entry.id, entry.leg, role),
      side: opposite(entry.side),
      kind,
      role,
      quantity: entry.filledQuantity,
      limitPrice: kind === "limit" ? price : null,
      stopPrice: kind === "stop" ? price : null,
      reduceOnly: true,
      parentOrderId: entry.id,
      stopLossPrice: null,
      takeProfitPrice: null,
      status: "submitted",
      filledQuantity: "0",
      averageFillPrice: null,
      rejectReason: null,
    };
    await insertOrder(db, order);
    placed.push(order);
  }
  return placed;
}

/**
 * Cancels one working order. undefined: no such order; `cancelled: false`: it was already final
 * (filled, cancelled, rejected, expired) and is returned as it is. Cancels need no trading state.
 */
export async function cancelPaperOrder(
  ctx: Pick<PaperVenueContext, "db" | "clock">,
  input: { orderId: string; reason: string | null },
): Promise<{ order: StoredOrder; cancelled: boolean } | undefined> {
  return ctx.db.transaction(async (tx) => {
    const current = await findOrderById(tx, input.orderId);
    if (!current) return undefined;
    await lockSymbol(tx, current.symbol);
    const cancelled = await cancelWorkingOrder(tx, current.id, ctx.clock.now(), input.reason);
    if (cancelled) return { order: cancelled, cancelled: true };
    return { order: (await findOrderById(tx, current.id)) ?? current, cancelled: false };
  });
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
