import { cashDelta } from "../../domain/account.js";
import { dec } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import { opposite, type Fill, type Order, type OrderRole } from "../../domain/order.js";
import { applyFill, signedQuantity } from "../../domain/position.js";
import {
  cancelProtectionRows,
  insertFillRow,
  savePositionRow,
} from "../../db/repositories/booking-repository.js";
import type { StoredOrder, StoredPosition } from "../../db/repositories/trading-repository.js";
import type { RawQuery } from "../../db/raw-query.js";
import { utcDay } from "../../lib/clock.js";
import type { IdSource } from "../../lib/ids.js";
import { fillEvent, positionClosedEvent, type NotificationEvent } from "../../notifications/events.js";
import type { Notifier } from "../../notifications/notifier.js";
import { clientOrderId } from "../client-order-id.js";
import { AccountIncrements } from "./account-increments.js";
import { positionKey } from "./price-event.js";

/** A write to issue inside the booking transaction; issued together, they pipeline. */
export type Write = (query: RawQuery) => Promise<unknown>;

export type PositionKey = { accountId: string; strategyId: string; symbol: string };

/** The open position of a key as the transaction sees it (before this booking's fills). */
export type OpenPositionLookup = (key: PositionKey) => Promise<StoredPosition | undefined>;

/**
 * Plans what fills do to the ledger: each moves its position (opening a new one when the key is
 * flat), the realized PnL, the account's cash and fees and its day's PnL and flows; a fill that
 * closes a position cancels its leftover protection. The arithmetic happens here, in order; the
 * writes come back to be issued at once. A key's position is looked up once and then carried from
 * fill to fill. With a notifier, the fills and the positions they close become events, written by
 * one more statement among the writes. With `increments`, the accounts' and days' changes are added
 * there, to be written by their owner (see account-increments.ts), instead of among the writes.
 */
export async function planFillBooking(
  ids: IdSource,
  fills: readonly Fill[],
  rules: MarketRules,
  lookup: OpenPositionLookup,
  notifier?: Notifier,
  increments?: AccountIncrements,
): Promise<Write[]> {
  const open = new Map<string, StoredPosition | undefined>();
  const saved = new Map<string, StoredPosition>();
  const sums = increments ?? new AccountIncrements();
  const writes: Write[] = [];
  const events: NotificationEvent[] = [];
  // Asked once: with no sink wanting them (the usual case) no event is built on the booking's path.
  const notifyFills = notifier?.wants("fill") === true;
  const notifyCloses = notifier?.wants("position.closed") === true;
  for (const fill of fills) {
    const key = positionKey(fill);
    const current = open.has(key) ? open.get(key) : await lookup(fill);
    const update = applyFill(current, fill, rules);
    const position: StoredPosition = { ...update.position, id: current?.id ?? ids.next("pos") };
    open.set(key, update.closed ? undefined : position);
    // Re-set so a position closed and a new one opened in one booking are saved in that order.
    saved.delete(position.id);
    saved.set(position.id, position);
    writes.push((q) => insertFillRow(q, fill, position.id, update.realizedPnl));
    const quantity = signedQuantity(fill).mul(rules.contractSize);
    sums.add(fill.accountId, utcDay(fill.filledAt), { cash: cashDelta(fill, rules), fees: dec(fill.fee), realized: dec(update.realizedPnl), at: fill.filledAt, symbol: fill.symbol, quantity });
    if (update.closed) writes.push((q) => cancelProtectionRows(q, fill, fill.filledAt));
    if (notifyFills) events.push(fillEvent(fill, position.id, update.realizedPnl));
    if (notifyCloses && update.closed) events.push(positionClosedEvent(position, fill.id));
  }
  if (notifier && events.length > 0) writes.push((q) => notifier.record(q, events));
  for (const position of saved.values()) writes.push((q) => savePositionRow(q, position));
  if (!increments) writes.push(...sums.takeWrites());
  return writes;
}

/**
 * An entry's stop-loss (stop-market) and take-profit (limit), reduce-only, for the quantity it
 * filled. Placed when the entry is done filling: at once for a market entry, when a resting limit
 * fills completely, or when one that filled only in part is expired or cancelled, so the part it
 * did fill is never left unprotected.
 */
export function protectionOrders(ids: IdSource, entry: StoredOrder): StoredOrder[] {
  const done = entry.status === "filled" || entry.status === "expired" || entry.status === "cancelled";
  if (entry.role !== "entry" || !done || !dec(entry.filledQuantity).gt(0)) return [];
  const legs: Array<[OrderRole, Order["kind"], string | null]> = [
    ["stop_loss", "stop", entry.stopLossPrice],
    ["take_profit", "limit", entry.takeProfitPrice],
  ];
  return legs.flatMap(([role, kind, price]) =>
    price
      ? [
          {
            ...entry,
            id: ids.next("ord"),
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
            status: "submitted" as const,
            filledQuantity: "0",
            averageFillPrice: null,
            rejectReason: null,
          },
        ]
      : [],
  );
}

/**
 * Issues writes together (pipelined on the transaction's connection) and waits for every one to
 * settle before reporting the first failure, so the caller's rollback follows the last statement.
 */
export async function issue(query: RawQuery, writes: readonly Write[]): Promise<void> {
  const settled = await Promise.allSettled(writes.map((write) => write(query)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
}
