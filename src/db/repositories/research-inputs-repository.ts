import { and, asc, eq, gte, inArray, lte, max, min } from "drizzle-orm";
import type { Db } from "../client.js";
import { backtestTrades } from "../schema/backtest-trades.js";
import { candles } from "../schema/candles.js";

/** What research reads besides a backtest's own inputs: candle time bounds, and a result's trade PnL. */

/** The first and last open time of the symbols' candles in [from, to]; undefined when there is none. */
export async function candleTimeBounds(
  db: Db,
  input: { symbols: readonly string[]; timeframe: string; from: Date; to: Date },
): Promise<{ first: Date; last: Date } | undefined> {
  const [row] = await db
    .select({ first: min(candles.openTime), last: max(candles.openTime) })
    .from(candles)
    .where(and(inArray(candles.symbol, [...input.symbols]), eq(candles.timeframe, input.timeframe), gte(candles.openTime, input.from), lte(candles.openTime, input.to)));
  return row?.first && row.last ? { first: row.first, last: row.last } : undefined;
}

/** Each trade's net PnL as exact decimal text, in the order the backtest closed them. */
export async function backtestTradeNetPnls(db: Db, backtestId: string): Promise<string[]> {
  const rows = await db.select({ netPnl: backtestTrades.netPnl }).from(backtestTrades).where(eq(backtestTrades.backtestId, backtestId)).orderBy(asc(backtestTrades.seq));
  return rows.map((r) => r.netPnl);
}
