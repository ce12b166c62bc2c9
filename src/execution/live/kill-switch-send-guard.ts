import { killSwitchGate, lockKillSwitchShared } from "../../db/repositories/kill-switch-lock.js";
import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { cancelWorkingOrder, findOrderById, type StoredOrder } from "../../db/repositories/trading-repository.js";
import type { Logger } from "../../lib/logger.js";
import type { Clock } from "../../lib/clock.js";
import { restrictedTradingStates } from "../../db/repositories/trading-states-repository.js";
import { isEmbedded, type Db } from "../../db/client.js";

/** Where a guarded send reads the trading state, and how it books the venue's answer. */
export type GuardedSend = {
  read: Db;
  /** Runs `booking` in a transaction: the guard's own on PostgreSQL, a short one of its own on PGlite. */
  book<R>(booking: (tx: Db) => Promise<R>): Promise<R>;
};

/**
 * Runs a live order's venue call and the booking of its answer holding the kill switch shared,
 * taken again after the intent's commit.
 *
 * Why the lock spans the network call: HALTED takes the same lock exclusively, so a PUT HALTED
 * waits for every send already under way (bounded by the venue's timeout and retries), then finds
 * that order booked (working, or filled) and cancels it at the exchange like any working order; a
 * send that starts after the halt committed reads HALTED here and never leaves. On PostgreSQL the
 * lock is the advisory lock, in a transaction that also books the answer, so this holds across any
 * number of gateway processes on one database, and a process that dies mid-send drops its
 * connection and with it the lock (its order stays `new` for reconciliation). The cost there: one
 * pooled connection per send in flight. On PGlite it is the in-process gate (killSwitchGate), and
 * the booking is a short transaction of its own. Looking orders up by client order id from the halt
 * instead could not know when a request still on the wire would land.
 */
export async function withKillSwitchHeld<T>(db: Db, work: (guarded: GuardedSend) => Promise<T>): Promise<T> {
  if (isEmbedded(db)) return killSwitchGate(db).shared(() => work({ read: db, book: (booking) => db.transaction(booking) }));
  return db.transaction(async (tx) => {
    await lockKillSwitchShared(tx);
    return work({ read: tx, book: (booking) => booking(tx) });
  });
}

/**
 * The HALTED state that now reaches an order (global, its account, its strategy), as the limit a
 * denial names, or null. Read holding the kill switch shared: no halt can commit between this and the send.
 */
export async function haltingScope(tx: Db, order: { accountId: string; strategyId: string }): Promise<string | null> {
  const states = await restrictedTradingStates(tx);
  const halted = [`global:`, `account:${order.accountId}`, `strategy:${order.strategyId}`].find((key) => states.get(key) === "HALTED");
  return halted === undefined ? null : `tradingState.${halted.slice(0, halted.indexOf(":"))}=HALTED`;
}

/**
 * An intent a halt overtook before it was sent (an order, or a native stop or target): cancelled
 * TRADING_HALTED under the symbol's lock, and nothing reaches the venue. Answers the order as it
 * now stands.
 */
export async function withdrawHaltedIntent(tx: Db, ctx: { clock: Clock; logger: Logger }, order: StoredOrder, limit: string): Promise<StoredOrder> {
  await lockSymbol(tx, order.symbol);
  const cancelled = await cancelWorkingOrder(tx, order.id, ctx.clock.now(), "TRADING_HALTED");
  if (cancelled) ctx.logger.warn({ orderId: order.id, clientOrderId: order.clientOrderId, role: order.role, limit }, "halted before its send; the order was never sent");
  return cancelled ?? (await findOrderById(tx, order.id)) ?? order;
}
