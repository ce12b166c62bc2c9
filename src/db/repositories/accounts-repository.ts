import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { accounts, type AccountRow } from "../schema/accounts.js";
import { positions, type PositionRow } from "../schema/positions.js";

/** Account administration and one-account reads; the hot path books cash through trading-repository. */

/** False when an account with this id already exists: the caller answers 409, nothing is changed. */
export async function insertAccount(db: Db, row: AccountRow): Promise<boolean> {
  const inserted = await db.insert(accounts).values(row).onConflictDoNothing({ target: accounts.id }).returning({ id: accounts.id });
  return inserted.length === 1;
}

export async function findAccountRow(db: Db, id: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id)).limit(1);
  return row;
}

export async function renameAccount(db: Db, id: string, name: string, at: Date): Promise<void> {
  await db.update(accounts).set({ name, updatedAt: at }).where(eq(accounts.id, id));
}

export async function accountExists(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, id)).limit(1);
  return row !== undefined;
}

export async function openPositionRowsOfAccount(db: Db, accountId: string): Promise<PositionRow[]> {
  return db
    .select()
    .from(positions)
    .where(and(eq(positions.accountId, accountId), eq(positions.status, "open")));
}

/** Σ realized PnL (gross of fees) over the account's positions, open and closed. */
export async function realizedPnlOfAccount(db: Db, accountId: string): Promise<string> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${positions.realizedPnl}), 0)::text` })
    .from(positions)
    .where(eq(positions.accountId, accountId));
  return row?.total ?? "0";
}

/**
 * A live account's cash as the venue reports it. The first report also becomes its starting cash,
 * so PnL counts from the moment the gateway first saw the account.
 */
export async function setAccountCash(db: Db, id: string, cash: string, at: Date): Promise<void> {
  await db
    .update(accounts)
    .set({ cash, startingCash: sql`case when ${accounts.startingCash} = 0 then ${cash}::numeric else ${accounts.startingCash} end`, updatedAt: at })
    .where(eq(accounts.id, id));
}

/** Ids of the accounts that trade on an exchange (every venue but the paper one). */
export async function liveAccountIds(db: Db): Promise<Set<string>> {
  const rows = await db.select({ id: accounts.id }).from(accounts).where(sql`${accounts.venue} <> 'paper'`);
  return new Set(rows.map((r) => r.id));
}
