import { and, asc, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { accounts, type AccountRow } from "../schema/accounts.js";
import { fills, type FillRow } from "../schema/fills.js";
import { orders, type OrderRow } from "../schema/orders.js";
import { positions, type PositionRow } from "../schema/positions.js";

/** Read-side queries over the trading tables: what the orders, positions and accounts routes list. */

export type OrderFilter = {
  strategyId?: string;
  symbol?: string;
  status?: string;
  signalId?: string;
  /** Newest first: rows with seq below this one. */
  beforeSeq?: number;
  limit: number;
};

export async function listOrderRows(db: Db, filter: OrderFilter): Promise<OrderRow[]> {
  const conditions: SQL[] = [];
  if (filter.strategyId) conditions.push(eq(orders.strategyId, filter.strategyId));
  if (filter.symbol) conditions.push(eq(orders.symbol, filter.symbol));
  if (filter.status) conditions.push(eq(orders.status, filter.status));
  if (filter.signalId) conditions.push(eq(orders.signalId, filter.signalId));
  if (filter.beforeSeq !== undefined) conditions.push(lt(orders.seq, filter.beforeSeq));
  return db
    .select()
    .from(orders)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(orders.seq))
    .limit(filter.limit);
}

export async function findOrderRowById(db: Db, id: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id)).limit(1);
  return row;
}

export async function fillsOfOrder(db: Db, orderId: string): Promise<FillRow[]> {
  return db.select().from(fills).where(eq(fills.orderId, orderId)).orderBy(asc(fills.filledAt), asc(fills.id));
}

export type PositionFilter = {
  strategyId?: string;
  symbol?: string;
  status?: string;
  /** Newest first: positions opened before this one, ties broken by id. */
  before?: { openedAt: Date; id: string };
  limit: number;
};

export async function listPositionRows(db: Db, filter: PositionFilter): Promise<PositionRow[]> {
  const conditions: SQL[] = [];
  if (filter.strategyId) conditions.push(eq(positions.strategyId, filter.strategyId));
  if (filter.symbol) conditions.push(eq(positions.symbol, filter.symbol));
  if (filter.status) conditions.push(eq(positions.status, filter.status));
  if (filter.before) {
    const { openedAt, id } = filter.before;
    conditions.push(or(lt(positions.openedAt, openedAt), and(eq(positions.openedAt, openedAt), lt(positions.id, id))) as SQL);
  }
  return db
    .select()
    .from(positions)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(positions.openedAt), desc(positions.id))
    .limit(filter.limit);
}

export async function findPositionRowById(db: Db, id: string): Promise<PositionRow | undefined> {
  const [row] = await db.select().from(positions).where(eq(positions.id, id)).limit(1);
  return row;
}

export async function listAccountRows(db: Db): Promise<AccountRow[]> {
  return db.select().from(accounts).orderBy(asc(accounts.id));
}

export async function openPositionRows(db: Db): Promise<PositionRow[]> {
  return db.select().from(positions).where(eq(positions.status, "open"));
}

/** Σ realized PnL (gross of fees) over every position, open and closed, per account. */
export async function realizedPnlByAccount(db: Db): Promise<Map<string, string>> {
  const rows = await db
    .select({ accountId: positions.accountId, total: sql<string>`coalesce(sum(${positions.realizedPnl}), 0)::text` })
    .from(positions)
    .groupBy(positions.accountId);
  return new Map(rows.map((r) => [r.accountId, r.total]));
}
