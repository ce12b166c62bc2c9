import { and, asc, eq, gt, gte, inArray, isNotNull, lte, ne } from "drizzle-orm";
import type { Database, Db } from "../client.js";
import { candles } from "../schema/candles.js";
import { signals } from "../schema/signals.js";

/** What a backtest reads: candles as numbers, page by page, and a strategy's recorded signals. */

export type CandleNumbers = { t: number; o: number; h: number; l: number; c: number; v: number };

// float8 in SQL: the drivers hand back numbers, so a page of 20 000 candles allocates no decimal
// strings on the main thread. numeric → float8 rounds correctly, as Number("94256.82") does.
const CANDLE_PAGE_SQL = `
  select (extract(epoch from open_time) * 1000)::float8 as t, open::float8 as o, high::float8 as h,
         low::float8 as l, close::float8 as c, volume::float8 as v
  from candles
  where symbol = $1 and timeframe = $2 and open_time >= $3 and open_time <= $4
  order by open_time
  limit $5`;

/** Candles with open times in [from, to] (ms), oldest first, at most `limit`. */
export async function candleNumbersPage(
  database: Pick<Database, "query">,
  input: { symbol: string; timeframe: string; from: number; to: number; limit: number },
): Promise<CandleNumbers[]> {
  // ISO text, not Date: drizzle has the postgres.js client pass timestamp parameters through as given.
  const range = [new Date(input.from).toISOString(), new Date(input.to).toISOString()];
  return database.query<CandleNumbers>(CANDLE_PAGE_SQL, [input.symbol, input.timeframe, ...range, input.limit]);
}

/** Whether any candle of the symbol and timeframe opens in [from, to]. */
export async function hasCandlesIn(db: Db, input: { symbol: string; timeframe: string; from: Date; to: Date }): Promise<boolean> {
  const rows = await db
    .select({ symbol: candles.symbol })
    .from(candles)
    .where(and(eq(candles.symbol, input.symbol), eq(candles.timeframe, input.timeframe), gte(candles.openTime, input.from), lte(candles.openTime, input.to)))
    .limit(1);
  return rows.length > 0;
}

export type RecordedSignal = { seq: number; signal: unknown; receivedAt: Date };

/**
 * A strategy's signals that passed ingestion (rejected deliveries carry no signal), received in
 * [from, to], for the given symbols, in ledger order from the one after `afterSeq`.
 */
export async function recordedSignalsPage(
  db: Db,
  input: { strategyId: string; symbols: readonly string[]; from: Date; to: Date; afterSeq: number; limit: number },
): Promise<RecordedSignal[]> {
  return db
    .select({ seq: signals.seq, signal: signals.signal, receivedAt: signals.receivedAt })
    .from(signals)
    .where(
      and(
        eq(signals.strategyId, input.strategyId),
        ne(signals.status, "rejected"),
        isNotNull(signals.signal),
        inArray(signals.symbol, [...input.symbols]),
        gte(signals.receivedAt, input.from),
        lte(signals.receivedAt, input.to),
        gt(signals.seq, input.afterSeq),
      ),
    )
    .orderBy(asc(signals.seq))
    .limit(input.limit);
}
