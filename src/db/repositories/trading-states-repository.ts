import { and, eq, ne } from "drizzle-orm";
import type { TradingState } from "../../domain/trading-state.js";
import type { Db } from "../client.js";
import { tradingStates, type TradingStateRow } from "../schema/trading-states.js";

export async function findTradingState(db: Db, scope: string, scopeId: string): Promise<TradingStateRow | undefined> {
  const [row] = await db
    .select()
    .from(tradingStates)
    .where(and(eq(tradingStates.scope, scope), eq(tradingStates.scopeId, scopeId)))
    .limit(1);
  return row;
}

export async function upsertTradingState(db: Db, row: TradingStateRow): Promise<TradingStateRow> {
  const [saved] = await db
    .insert(tradingStates)
    .values(row)
    .onConflictDoUpdate({
      target: [tradingStates.scope, tradingStates.scopeId],
      set: { state: row.state, reason: row.reason, changedBy: row.changedBy, changedAt: row.changedAt },
    })
    .returning();
  return saved as TradingStateRow;
}

/** Every scope's state that is not ACTIVE, by `scope:scopeId` (a scope without a row is ACTIVE): a handful of rows. */
export async function restrictedTradingStates(db: Db): Promise<Map<string, TradingState>> {
  const rows = await db.select().from(tradingStates).where(ne(tradingStates.state, "ACTIVE"));
  return new Map(rows.map((r) => [`${r.scope}:${r.scopeId}`, r.state as TradingState]));
}
