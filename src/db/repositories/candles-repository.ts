import { and, asc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { candles, type CandleRow } from "../schema/candles.js";

export type NewCandle = typeof candles.$inferInsert;
export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

/**
 * One multi-row upsert. A stored candle is rewritten only when the file's values differ (numeric
 * comparison, so "94416" and "94416.00" are the same); `xmax = 0` tells a fresh row from a rewritten
 * one. The rows must have distinct keys: PostgreSQL refuses to touch one row twice in a statement.
 */
export async function upsertCandles(db: Db, rows: readonly NewCandle[]): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const changed = await db
    .insert(candles)
    .values([...rows])
    .onConflictDoUpdate({
      target: [candles.symbol, candles.timeframe, candles.openTime],
      set: {
        open: sql`excluded.open`,
        high: sql`excluded.high`,
        low: sql`excluded.low`,
        close: sql`excluded.close`,
        volume: sql`excluded.volume`,
      },
      setWhere: sql`(${candles.open}, ${candles.high}, ${candles.low}, ${candles.close}, ${candles.volume})
        is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume)`,
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  const inserted = changed.filter((r) => r.inserted).length;
  return { inserted, updated: changed.length - inserted, unchanged: rows.length - changed.length };
}

export type CandleFilter = {
  symbol: string;
  timeframe: string;
  from?: Date;
  to?: Date;
  limit: number;
};

/** Oldest first, both bounds inclusive. */
export async function listCandleRows(db: Db, filter: CandleFilter): Promise<CandleRow[]> {
  const conditions: SQL[] = [eq(candles.symbol, filter.symbol), eq(candles.timeframe, filter.timeframe)];
  if (filter.from) conditions.push(gte(candles.openTime, filter.from));
  if (filter.to) conditions.push(lte(candles.openTime, filter.to));
  return db.select().from(candles).where(and(...conditions)).orderBy(asc(candles.openTime)).limit(filter.limit);
}
