import type { Exchange } from "ccxt";
import { findEnabledFeedStrategies, latestOpenTime, readFeedCursor, saveFeedCursor, type FeedKey } from "../db/repositories/candle-feed-repository.js";
import { StrategyConfigSchema } from "../domain/strategy-config.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { warmupBars } from "../strategy/feed/warmup.js";
import type { MarketDataContext } from "./context.js";
import { importExchangeCandles } from "./import-exchange-candles.js";
import { alignUp, timeframeMs, type Timeframe } from "./timeframes.js";

/** What one pass did: series (symbol and timeframe) it looked at, candles it stored, series whose fetch failed. */
export type CandleFetchPass = { series: number; stored: number; failed: number };

/** A series whose fetch failed in a pass, and why (a VENUE_… reason code and the exchange's text). */
export type CandleFetchFailure = { symbol: string; timeframe: string; reason: string; detail: string };

/** Called once per series a pass fetched: its failure, or undefined when it went through. */
export type CandleFetchReport = (series: { symbol: string; timeframe: string }, failure: CandleFetchFailure | undefined) => void;

type Watched = { symbol: string; timeframe: Timeframe; strategyIds: string[]; warmup: number };

/**
 * The newest candle that has closed at `now`: opened one timeframe or more before it. The one
 * forming now is never fetched, as its values still move.
 */
export function lastClosedOpenTime(now: number, timeframe: Timeframe): number {
  const tf = timeframeMs(timeframe);
  return alignUp(now - tf + 1, timeframe) - tf;
}

/**
 * How recently a candle must have closed for the fetcher to trade it: two timeframes, or two polls
 * when the fetcher polls less often than candles close, so a pass that comes late loses nothing.
 */
export function freshWindowMs(timeframe: Timeframe, pollMs: number): number {
  return 2 * Math.max(timeframeMs(timeframe), pollMs);
}

/**
 * One pass of the candle fetcher: for every symbol and timeframe an enabled strategy's candle feed
 * watches, the candles that closed since the newest one stored are fetched from the exchange and
 * imported, which feeds the strategies (advanceCandleFeeds) as any import does. A series with
 * nothing stored gets the longest warm-up its feeds need.
 *
 * The fetcher runs by itself, so it never trades the past: before it imports, every feed whose
 * cursor is older than the fresh window (freshWindowMs) is moved to the window's start, unfed. That
 * is a new feed (its warm-up history), a strategy enabled again, and the candles that closed while
 * the gateway was down: their signals would trade now at prices long gone. An import by hand keeps
 * the cursor and trades what it brings. A series whose fetch fails keeps what came before the
 * failure, and the next pass resumes after it.
 */
export async function fetchFeedCandles(
  ctx: { marketData: MarketDataContext; clock: Clock; logger: Logger; pollMs: number; report?: CandleFetchReport },
  clientFor: (symbol: string) => Exchange,
): Promise<CandleFetchPass> {
  const db = ctx.marketData.db;
  const watched = watchedSeries(await findEnabledFeedStrategies(db));
  const pass: CandleFetchPass = { series: watched.length, stored: 0, failed: 0 };
  for (const series of watched) {
    const now = ctx.clock.now();
    const tf = timeframeMs(series.timeframe);
    const last = lastClosedOpenTime(now.getTime(), series.timeframe);
    const freshFrom = lastClosedOpenTime(now.getTime() - freshWindowMs(series.timeframe, ctx.pollMs), series.timeframe);
    await skipStaleCandles(ctx, series, freshFrom, now);
    const latest = await latestOpenTime(db, { symbol: series.symbol, timeframe: series.timeframe, through: now });
    const from = latest ? latest.getTime() + tf : last - (series.warmup - 1) * tf;
    if (from > last) continue;
    const done = await importExchangeCandles({
      ctx: ctx.marketData,
      input: { exchange: clientFor(series.symbol), symbol: series.symbol, timeframe: series.timeframe, from, to: last, now: () => ctx.clock.now().getTime() },
    });
    pass.stored += done.report.imported;
    const key = { symbol: series.symbol, timeframe: series.timeframe };
    ctx.report?.(key, done.error ? { ...key, reason: done.error.failure.reason, detail: done.error.failure.detail } : undefined);
    if (done.error) {
      pass.failed++;
      ctx.logger.warn({ symbol: series.symbol, timeframe: series.timeframe, reason: done.error.failure.reason, stored: done.report.imported }, "candle fetch failed; the next pass resumes after what was stored");
    } else if (done.report.imported > 0) {
      ctx.logger.info({ symbol: series.symbol, timeframe: series.timeframe, stored: done.report.imported }, "candles fetched for candle feeds");
    }
  }
  return pass;
}

/** Each symbol and timeframe watched, with its strategies and the longest warm-up they need; a configuration that no longer parses watches nothing. */
function watchedSeries(rows: Awaited<ReturnType<typeof findEnabledFeedStrategies>>): Watched[] {
  const bySeries = new Map<string, Watched>();
  for (const row of rows) {
    const parsed = StrategyConfigSchema.safeParse(row.config ?? {});
    const feed = parsed.success ? parsed.data.candleFeed : null;
    if (!feed) continue;
    for (const symbol of feed.symbols) {
      const key = `${symbol}\u0000${feed.timeframe}`;
      const series = bySeries.get(key) ?? { symbol, timeframe: feed.timeframe as Timeframe, strategyIds: [], warmup: 0 };
      series.strategyIds.push(row.id);
      series.warmup = Math.max(series.warmup, warmupBars(feed.strategy));
      bySeries.set(key, series);
    }
  }
  return [...bySeries.values()];
}

/** Moves each feed's cursor up to `through` (the last candle too old to trade), never back; says so when it skips candles it had not fed. */
async function skipStaleCandles(ctx: { marketData: MarketDataContext; logger: Logger }, series: Watched, through: number, now: Date): Promise<void> {
  const db = ctx.marketData.db;
  for (const strategyId of series.strategyIds) {
    const key: FeedKey = { strategyId, symbol: series.symbol, timeframe: series.timeframe };
    const cursor = await readFeedCursor(db, key);
    if (cursor && cursor.getTime() >= through) continue;
    await saveFeedCursor(db, key, new Date(through), now);
    if (cursor) ctx.logger.info({ ...key, from: cursor.toISOString(), through: new Date(through).toISOString() }, "candle feed resumes at fresh candles; the ones it missed are not traded");
  }
}
