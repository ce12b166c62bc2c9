import { sql } from "drizzle-orm";
import type { Db } from "../client.js";

// The two-key form of the advisory lock lives in its own key space, apart from the kill switch's
// one-key lock; the first key names the family, the second is the symbol's hash.
export const SYMBOL_LOCK_FAMILY = 5_230_117;

/**
 * Serializes everything that reads and then changes one symbol's orders and positions on the
 * venue: placing an order (risk context read → execution), a price event matching resting orders,
 * and a cancel. Held until the transaction ends. Whoever needs several takes them in sorted order.
 */
export async function lockSymbol(db: Db, symbol: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${SYMBOL_LOCK_FAMILY}::int, hashtext(${symbol}::text))`);
}

export async function lockSymbols(db: Db, symbols: Iterable<string>): Promise<void> {
  for (const symbol of [...new Set(symbols)].sort()) await lockSymbol(db, symbol);
}
