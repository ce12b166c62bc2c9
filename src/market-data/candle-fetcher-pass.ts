import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { createPeriodicPass, type PeriodicPass } from "../lib/periodic-pass.js";
import type { MarketDataMetrics } from "../metrics/port.js";
import { candleFeedUnhealthyEvent } from "../notifications/events.js";
import type { Notifier } from "../notifications/notifier.js";
import type { CandleFetchPass } from "./candle-fetcher.js";
import type { MarketDataContext } from "./context.js";
import type { MarketDataSource } from "./market-data-source.js";

export type CandleFetcher = PeriodicPass<CandleFetchPass>;

const NOTHING: CandleFetchPass = { series: 0, stored: 0, failed: 0 };

/**
 * The candle fetcher on its own timer (CANDLE_FEED_POLL_MS), started and stopped with the signal
 * workers; without a market data source it never ticks and a pass does nothing. A series whose
 * fetch starts failing is one `candle_feed.unhealthy` notification (once per failure, in memory, per
 * instance, as the venues' health is): the strategies watching it would otherwise just stop trading.
 * This module has no ccxt in it: the source (market-data-source.ts) brings it, when configured.
 */
export function createCandleFetcher(options: {
  source: MarketDataSource | undefined;
  ctx: { marketData: MarketDataContext; clock: Clock; logger: Logger; notifier?: Notifier | undefined; metrics: MarketDataMetrics };
  intervalMs: number;
  pollMs: number;
}): CandleFetcher {
  const { source, ctx } = options;
  const failing = new Set<string>();
  return createPeriodicPass({
    what: "candle fetcher",
    intervalMs: source ? options.intervalMs : 0,
    logger: ctx.logger,
    run: async () => {
      if (!source) return NOTHING;
      // Awaited at the end: a pass is over once its notifications are in the outbox.
      const published: Promise<void>[] = [];
      const pass = await source.fetchFeedCandles({
        marketData: ctx.marketData,
        clock: ctx.clock,
        logger: ctx.logger,
        pollMs: options.pollMs,
        report: (series, failure) => {
          const key = `${series.symbol}\u0000${series.timeframe}`;
          if (!failure) return void failing.delete(key);
          if (failing.has(key)) return;
          failing.add(key);
          if (ctx.notifier) published.push(ctx.notifier.publish([candleFeedUnhealthyEvent({ exchange: source.exchange, ...failure, at: ctx.clock.now() })]));
        },
      });
      await Promise.all(published);
      ctx.metrics.candlePass(pass);
      return pass;
    },
  });
}
