import type { Database, Db } from "../../db/client.js";
import { rawQuery } from "../../db/raw-query.js";
import {
  candlesAfter,
  candlesThrough,
  findFeedStrategies,
  latestOpenTime,
  lockFeed,
  readFeedCursor,
  saveFeedCursor,
  type FeedKey,
} from "../../db/repositories/candle-feed-repository.js";
import { findStrategyById } from "../../db/repositories/strategies-repository.js";
import type { StrategyRow } from "../../db/schema/strategies.js";
import { StrategyConfigSchema } from "../../domain/strategy-config.js";
import { commitDelivery, type DeliveryInput, type LedgerContext } from "../../ingest/ledger.js";
import { strategyRejection } from "../../ingest/strategy-gate.js";
import { timeframeMs, type Timeframe } from "../../market-data/timeframes.js";
import { describeStrategy } from "../builtin/registry.js";
import type { CandleFeed } from "./candle-feed-schema.js";
import type { CandleFeedContext } from "./candle-feed-context.js";
import { replayFeed, type FeedDecision } from "./replay-feed.js";
import { warmupBars } from "./warmup.js";

/** Candles fed per transaction; a longer backlog takes several passes. */
export const PASS_BARS = 1000;

/** How a feed's signals are told apart in the ledger: they come in as internal signals, read as this format. */
export const FEED_FORMAT = "candle-feed";

/** Strategies fed, signals newly stored (a candle's repeat is not counted), feeds that failed. */
export type FeedRun = { strategies: number; signals: number; failed: number };

/**
 * After candles of (symbol, timeframe) are stored: every strategy whose feed watches them is fed
 * the candles that have closed since its cursor, and its signals are committed to the ledger. An
 * enabled strategy's state is rebuilt from the candles before its cursor (warmupBars), then each
 * new candle is fed in time order; a disabled strategy's cursor moves past them unfed, as its
 * alerts would be refused. Never throws: a feed that fails is logged and keeps its cursor, so the
 * next import of the symbol retries it.
 */
export async function advanceCandleFeeds({ ctx, input }: { ctx: CandleFeedContext; input: { symbol: string; timeframe: Timeframe } }): Promise<FeedRun> {
  const run: FeedRun = { strategies: 0, signals: 0, failed: 0 };
  let rows: StrategyRow[];
  try {
    rows = await findFeedStrategies(ctx.db, input);
  } catch (err) {
    ctx.logger.error({ err, ...input }, "candle feeds could not be read; the next import retries them");
    return { ...run, failed: 1 };
  }
  for (const row of rows) {
    if (!feedOf(row, input)) continue;
    run.strategies++;
    const key: FeedKey = { strategyId: row.id, symbol: input.symbol, timeframe: input.timeframe };
    try {
      run.signals += await advanceFeed(ctx, key);
    } catch (err) {
      run.failed++;
      ctx.logger.error({ err, ...key }, "candle feed failed; its cursor stays for the next import");
    }
  }
  if (run.signals > 0) ctx.wakeWorkers();
  return run;
}

/** The strategy's feed when it watches this symbol and timeframe; a configuration that no longer parses feeds nothing. */
function feedOf(row: StrategyRow, watched: { symbol: string; timeframe: string }): CandleFeed | undefined {
  const parsed = StrategyConfigSchema.safeParse(row.config ?? {});
  const feed = parsed.success ? parsed.data.candleFeed : null;
  return feed && feed.timeframe === watched.timeframe && feed.symbols.includes(watched.symbol) ? feed : undefined;
}

async function advanceFeed(ctx: CandleFeedContext, key: FeedKey): Promise<number> {
  let signals = 0;
  for (;;) {
    const pass = await ctx.db.transaction((tx) => feedPass(ctx, tx, key));
    signals += pass.signals;
    if (pass.fed > 0) ctx.logger.info({ ...key, candles: pass.fed, signals: pass.signals }, "candle feed advanced");
    if (!pass.more) return signals;
  }
}

/**
 * One transaction: the feed's lock, its candles, its signals and its cursor. The strategy is read
 * under the lock, so a change to it between passes (disabled, feed cleared) takes effect at once.
 */
async function feedPass(ctx: CandleFeedContext, tx: Db, key: FeedKey): Promise<{ fed: number; signals: number; more: boolean }> {
  const none = { fed: 0, signals: 0, more: false };
  const query = rawQuery(tx);
  await lockFeed(query, key);
  const strategy = await findStrategyById(tx, key.strategyId);
  const feed = strategy ? feedOf(strategy, key) : undefined;
  if (!strategy || !feed) return none;
  const now = ctx.clock.now();
  const tf = timeframeMs(key.timeframe as Timeframe);
  // A candle counts once it has closed: opened at least one timeframe ago.
  const range = { symbol: key.symbol, timeframe: key.timeframe, through: new Date(now.getTime() - tf) };
  const cursor = await readFeedCursor(tx, key);

  if (!strategy.enabled) {
    const latest = await latestOpenTime(tx, range);
    if (latest && (!cursor || latest > cursor)) await saveFeedCursor(tx, key, latest, now);
    return none;
  }

  const fresh = await candlesAfter(tx, { ...range, after: cursor, limit: PASS_BARS });
  const last = fresh.at(-1);
  if (!last) return none;
  const warmup = cursor ? await candlesThrough(tx, { ...range, through: cursor, limit: warmupBars(feed.strategy) }) : [];
  const decisions = replayFeed({ spec: feed.strategy, symbol: key.symbol, timeframeMs: tf, warmup, fresh });
  const ledger: LedgerContext = { db: tx, database: onTransaction(query), clock: ctx.clock, ids: ctx.ids };
  let stored = 0;
  for (const decision of decisions) {
    const receipt = await commitDelivery({ ctx: ledger, input: deliveryOf(strategy, feed, key, decision) });
    if (!receipt.duplicate) stored++;
  }
  await saveFeedCursor(tx, key, last.openTime, now);
  return { fed: fresh.length, signals: stored, more: fresh.length === PASS_BARS };
}

// The ledger's commit issues its one statement through `database.query`; here that runs on the
// pass's transaction, so the signals and the cursor commit together.
const onTransaction = (query: Database["query"]) => ({ query }) as Pick<Database, "query"> as Database;

/**
 * A signal of the feed, as an internal delivery: deduplicated on the strategy (the dedupe key's
 * scope), symbol, timeframe and candle, so a retried pass or a second instance never stores a
 * candle's signal twice. The raw body records the candle the decision was made on.
 */
function deliveryOf(strategy: StrategyRow, feed: CandleFeed, key: FeedKey, { candle, signal }: FeedDecision): DeliveryInput {
  const id = `${FEED_FORMAT}:${key.symbol}:${key.timeframe}:${candle.openTime.toISOString()}`;
  const rejection = strategyRejection(strategy, [signal]);
  const rawBody = JSON.stringify({
    candleFeed: describeStrategy(feed.strategy),
    timeframe: key.timeframe,
    candle: { ...candle, openTime: candle.openTime.toISOString() },
    signal,
  });
  return {
    strategyId: strategy.id,
    source: "internal",
    rawBody,
    contentType: "application/json",
    sourceAddress: undefined,
    format: FEED_FORMAT,
    notes: [],
    alertId: id,
    dedupe: { key: id, expiresAt: null },
    outcome: rejection ? { ok: false, ...rejection } : { ok: true, signals: [signal] },
  };
}
