import { and, asc, desc, eq, gt, lte, max, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import type { RawQuery } from "../raw-query.js";
import { candleFeedCursors } from "../schema/candle-feed-cursors.js";
import { candles } from "../schema/candles.js";
import { strategies, type StrategyRow } from "../schema/strategies.js";

export type FeedKey = { strategyId: string; symbol: string; timeframe: string };
export type FeedCandle = { openTime: Date; open: string; high: string; low: string; close: string; volume: string };

/**
 * Strategies, enabled or not, whose stored configuration has a candle feed on this symbol and
 * timeframe. A prefilter on the JSON: the caller parses the configuration before trusting it.
 */
export async function findFeedStrategies(db: Db, watched: { symbol: string; timeframe: string }): Promise<StrategyRow[]> {
  return db
    .select()
    .from(strategies)
    .where(
      and(
        sql`${strategies.config} -> 'candleFeed' ->> 'timeframe' = ${watched.timeframe}`,
        sql`${strategies.config} -> 'candleFeed' -> 'symbols' @> ${JSON.stringify([watched.symbol])}::jsonb`,
      ),
    )
    .orderBy(asc(strategies.id));
}

/** Held until the transaction ends: one pass of one feed at a time, on every instance. */
export async function lockFeed(query: RawQuery, key: FeedKey): Promise<void> {
  await query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [`candle-feed:${key.strategyId}:${key.symbol}:${key.timeframe}`]);
}

export async function readFeedCursor(db: Db, key: FeedKey): Promise<Date | undefined> {
  const [row] = await db
    .select({ lastOpenTime: candleFeedCursors.lastOpenTime })
    .from(candleFeedCursors)
    .where(cursorOf(key))
    .limit(1);
  return row?.lastOpenTime;
}

/** Moves the cursor forward, never back. */
export async function saveFeedCursor(db: Db, key: FeedKey, lastOpenTime: Date, now: Date): Promise<void> {
  await db
    .insert(candleFeedCursors)
    .values({ ...key, lastOpenTime, updatedAt: now })
    .onConflictDoUpdate({
      target: [candleFeedCursors.strategyId, candleFeedCursors.symbol, candleFeedCursors.timeframe],
      set: { lastOpenTime: sql`greatest(${candleFeedCursors.lastOpenTime}, excluded.last_open_time)`, updatedAt: now },
    });
}

const FEED_COLUMNS = { openTime: candles.openTime, open: candles.open, high: candles.high, low: candles.low, close: candles.close, volume: candles.volume };

/** Oldest first: the candles opened after `after` (all, without it) and at or before `through`. */
export async function candlesAfter(
  db: Db,
  range: { symbol: string; timeframe: string; after: Date | undefined; through: Date; limit: number },
): Promise<FeedCandle[]> {
  const conditions: SQL[] = [eq(candles.symbol, range.symbol), eq(candles.timeframe, range.timeframe), lte(candles.openTime, range.through)];
  if (range.after) conditions.push(gt(candles.openTime, range.after));
  return db.select(FEED_COLUMNS).from(candles).where(and(...conditions)).orderBy(asc(candles.openTime)).limit(range.limit);
}

/** Oldest first: the last `limit` candles opened at or before `through`. */
export async function candlesThrough(db: Db, range: { symbol: string; timeframe: string; through: Date; limit: number }): Promise<FeedCandle[]> {
  const rows = await db
    .select(FEED_COLUMNS)
    .from(candles)
    .where(and(eq(candles.symbol, range.symbol), eq(candles.timeframe, range.timeframe), lte(candles.openTime, range.through)))
    .orderBy(desc(candles.openTime))
    .limit(range.limit);
  return rows.reverse();
}

/** The open time of the latest candle opened at or before `through`, if any. */
export async function latestOpenTime(db: Db, range: { symbol: string; timeframe: string; through: Date }): Promise<Date | undefined> {
  const [row] = await db
    .select({ latest: max(candles.openTime) })
    .from(candles)
    .where(and(eq(candles.symbol, range.symbol), eq(candles.timeframe, range.timeframe), lte(candles.openTime, range.through)));
  return row?.latest ?? undefined;
}

function cursorOf(key: FeedKey): SQL | undefined {
  return and(eq(candleFeedCursors.strategyId, key.strategyId), eq(candleFeedCursors.symbol, key.symbol), eq(candleFeedCursors.timeframe, key.timeframe));
}

/** Enabled strategies with a candle feed in their stored configuration (the caller parses it). */
export async function findEnabledFeedStrategies(db: Db): Promise<StrategyRow[]> {
  return db
    .select()
    .from(strategies)
    .where(and(eq(strategies.enabled, true), sql`jsonb_typeof(${strategies.config} -> 'candleFeed') = 'object'`))
    .orderBy(asc(strategies.id));
}

export type FeedProgress = { symbol: string; fedThrough: Date | null; newestCandle: Date | null };

const FEED_PROGRESS = `select w.symbol,
  (select c.last_open_time from candle_feed_cursors c where c.strategy_id = $1 and c.symbol = w.symbol and c.timeframe = $2) as fed_through,
  (select max(k.open_time) from candles k where k.symbol = w.symbol and k.timeframe = $2) as newest_candle
from unnest($3::text[]) with ordinality as w(symbol, n)
order by w.n`;

/** For each symbol a strategy's feed watches: the last candle its cursor has passed (fed or skipped), and the newest candle stored. */
export async function feedProgress(query: RawQuery, feed: { strategyId: string; timeframe: string; symbols: readonly string[] }): Promise<FeedProgress[]> {
  const rows = await query<{ symbol: string; fed_through: Date | string | null; newest_candle: Date | string | null }>(FEED_PROGRESS, [feed.strategyId, feed.timeframe, [...feed.symbols]]);
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return rows.map((r) => ({ symbol: r.symbol, fedThrough: date(r.fed_through), newestCandle: date(r.newest_candle) }));
}
