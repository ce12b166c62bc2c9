import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Position } from "../../domain/position.js";
import type { Order, OrderStatus } from "../../domain/order.js";
import type { Db } from "../client.js";
import type { RawQuery } from "../raw-query.js";
import { accounts, type AccountRow } from "../schema/accounts.js";
import { marketPrices } from "../schema/market-prices.js";
import { orders, type OrderRow } from "../schema/orders.js";
import { positions, type PositionRow } from "../schema/positions.js";
import { riskDecisions, type RiskDecisionRow } from "../schema/risk-decisions.js";

/**
 * An order of a paper account. The paper venue's matching, and its own limit timeouts, only ever
 * touch these: an exchange account's orders rest at the exchange (its stops and targets with the live
 * protection watcher, its timed-out limits with the live limit fallback).
 */
export const ON_PAPER = sql`exists (select 1 from accounts a where a.id = ${orders.accountId} and a.venue = 'paper')`;

export type StoredOrder = Order & { leg: number; stopLossPrice: string | null; takeProfitPrice: string | null };
export type StoredPosition = Position & { id: string };

export function toOrder(row: OrderRow): StoredOrder {
  return {
    id: row.id,
    clientOrderId: row.clientOrderId,
    accountId: row.accountId,
    strategyId: row.strategyId,
    signalId: row.signalId,
    leg: row.leg,
    stopLossPrice: row.stopLossPrice,
    takeProfitPrice: row.takeProfitPrice,
    symbol: row.symbol,
    side: row.side as Order["side"],
    kind: row.kind as Order["kind"],
    role: row.role as Order["role"],
    quantity: row.quantity,
    limitPrice: row.limitPrice,
    stopPrice: row.stopPrice,
    reduceOnly: row.reduceOnly,
    parentOrderId: row.parentOrderId,
    status: row.status as OrderStatus,
    filledQuantity: row.filledQuantity,
    averageFillPrice: row.averageFillPrice,
    venueOrderId: row.venueOrderId,
    rejectReason: row.rejectReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toPosition(row: PositionRow): StoredPosition {
  return { ...row, status: row.status as Position["status"] };
}

export async function insertAccountIfMissing(db: Db, row: AccountRow): Promise<void> {
  await db.insert(accounts).values(row).onConflictDoNothing();
}

export async function findOpenPosition(db: Db, accountId: string, strategyId: string, symbol: string): Promise<StoredPosition | undefined> {
  const [row] = await db
    .select()
    .from(positions)
    .where(and(eq(positions.accountId, accountId), eq(positions.strategyId, strategyId), eq(positions.symbol, symbol), eq(positions.status, "open")))
    .limit(1);
  return row ? toPosition(row) : undefined;
}

/** Every strategy's open position in `symbol`: what a price event's fills book onto, and what reduce-only orders may reduce. */
export async function openPositionsOfSymbol(db: Db, symbol: string): Promise<StoredPosition[]> {
  const rows = await db.select().from(positions).where(and(eq(positions.symbol, symbol), eq(positions.status, "open")));
  return rows.map(toPosition);
}

/** Which rows a kill switch reaches: each given field narrows it; an empty filter means everything. */
export type ScopeFilter = { readonly strategyId?: string | undefined; readonly accountId?: string | undefined };

/** Open positions in the scope, oldest first. */
export async function openPositionsInScope(db: Db, filter: ScopeFilter): Promise<StoredPosition[]> {
  const rows = await db
    .select()
    .from(positions)
    .where(
      and(
        eq(positions.status, "open"),
        filter.strategyId === undefined ? undefined : eq(positions.strategyId, filter.strategyId),
        filter.accountId === undefined ? undefined : eq(positions.accountId, filter.accountId),
      ),
    )
    .orderBy(asc(positions.openedAt), asc(positions.id));
  return rows.map(toPosition);
}

export async function findPositionById(db: Db, id: string): Promise<StoredPosition | undefined> {
  const [row] = await db.select().from(positions).where(eq(positions.id, id)).limit(1);
  return row ? toPosition(row) : undefined;
}

export async function findOrderById(db: Db, id: string): Promise<StoredOrder | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id)).limit(1);
  return row ? toOrder(row) : undefined;
}

/**
 * Cancels the order only if it is still working, in one statement: a fill or another cancel that
 * committed first wins, and the caller gets undefined instead of overwriting it.
 */
export async function cancelWorkingOrder(db: Db, id: string, at: Date, reason: string | null): Promise<StoredOrder | undefined> {
  const [row] = await db
    .update(orders)
    .set({ status: "cancelled", rejectReason: reason, updatedAt: at })
    .where(and(eq(orders.id, id), inArray(orders.status, ["new", "submitted", "partially_filled"])))
    .returning();
  return row ? toOrder(row) : undefined;
}

/**
 * Writes an order's state back. The quantity too: a live order is sent for what its exchange's step
 * allows, and an exit still unsent is cut to what its position holds (fitExitToPosition).
 */
export async function updateOrder(db: Db, order: Order): Promise<void> {
  await db
    .update(orders)
    .set({
      quantity: order.quantity,
      status: order.status,
      filledQuantity: order.filledQuantity,
      averageFillPrice: order.averageFillPrice,
      venueOrderId: order.venueOrderId,
      rejectReason: order.rejectReason,
      updatedAt: order.updatedAt,
    })
    .where(eq(orders.id, order.id));
}

/** Working orders in the scope, oldest first. */
export async function workingOrders(db: Db, filter: ScopeFilter): Promise<StoredOrder[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(
      and(
        inArray(orders.status, ["new", "submitted", "partially_filled"]),
        filter.strategyId === undefined ? undefined : eq(orders.strategyId, filter.strategyId),
        filter.accountId === undefined ? undefined : eq(orders.accountId, filter.accountId),
      ),
    )
    .orderBy(asc(orders.seq));
  return rows.map(toOrder);
}

/** Every paper account's working orders in one symbol, oldest first: what a price event is matched against. */
export async function restingOrdersOfSymbol(db: Db, symbol: string): Promise<StoredOrder[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.symbol, symbol), inArray(orders.status, ["submitted", "partially_filled"]), ON_PAPER))
    .orderBy(asc(orders.seq));
  return rows.map(toOrder);
}

export async function lastPrices(db: Db, symbols: string[]): Promise<Map<string, { price: string; observedAt: Date; source: string }>> {
  if (symbols.length === 0) return new Map();
  const rows = await db.select().from(marketPrices).where(inArray(marketPrices.symbol, symbols));
  return new Map(rows.map((r) => [r.symbol, { price: r.price, observedAt: r.observedAt, source: r.source }]));
}

/** The decision that let an order through; undefined for protection orders, which no decision placed. */
export async function findDecisionOfOrder(db: Db, orderId: string): Promise<RiskDecisionRow | undefined> {
  const [row] = await db.select().from(riskDecisions).where(eq(riskDecisions.orderId, orderId)).orderBy(asc(riskDecisions.createdAt)).limit(1);
  return row;
}

const PAPER_SYMBOLS_IN_PLAY = `select o.symbol from orders o join accounts a on a.id = o.account_id and a.venue = 'paper'
  where o.status in ('submitted', 'partially_filled')
union
select p.symbol from positions p join accounts a on a.id = p.account_id and a.venue = 'paper'
  where p.status = 'open'
order by 1`;

/** Symbols in which a paper account has a resting order or an open position: what a price can move. */
export async function paperSymbolsInPlay(query: RawQuery): Promise<string[]> {
  const rows = await query<{ symbol: string }>(PAPER_SYMBOLS_IN_PLAY, []);
  return rows.map((r) => r.symbol);
}
