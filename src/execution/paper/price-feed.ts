import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { createPeriodicPass, type PeriodicPass } from "../../lib/periodic-pass.js";
import type { LastPriceSource } from "../../market-data/last-prices.js";
import type { MarketDataMetrics } from "../../metrics/port.js";
import { priceFeedUnhealthyEvent } from "../../notifications/events.js";
import type { StatusReport, VenueHealth } from "../live-status.js";
import { applyMarketPrices, type MarketPricePass } from "./market-price-pass.js";
import type { PaperVenueContext } from "./paper-venue.js";

/** The feed's exchange and how its last pass went. */
export type PriceFeedStatus = StatusReport<VenueHealth> & { exchange: string };

export type PaperPriceFeed = PeriodicPass<MarketPricePass> & {
  /** Undefined when no feed is configured. */
  status(): PriceFeedStatus | undefined;
};

const NOTHING: MarketPricePass = { symbols: 0, marked: 0, fills: 0, missing: 0, unpriced: [] };
const UNHEALTHY: ReadonlySet<VenueHealth> = new Set(["degraded", "unavailable"]);

/** ok: every symbol priced (or none in play); degraded: some not; unavailable: none. */
export function healthOf(pass: MarketPricePass): { health: VenueHealth; detail: string | null } {
  if (pass.missing === 0) return { health: "ok", detail: null };
  const which = pass.unpriced.map((u) => `${u.symbol} (${u.reason})`).join(", ");
  return { health: pass.missing === pass.symbols ? "unavailable" : "degraded", detail: `no price for ${which}` };
}

/**
 * The paper price feed on its own timer (PAPER_PRICE_POLL_MS), started and stopped with the signal
 * workers. Without a price source (MARKET_DATA_EXCHANGE unset) it never ticks and a pass does nothing.
 * Several instances may run it: each pass's price and fills are one transaction under the symbol's
 * lock, and a fill takes a resting order only once.
 *
 * Each pass's outcome is the feed's health, shown on paper accounts: a feed that cannot price what
 * paper accounts hold leaves their stops unwatched, which must not live only in a log. Turning
 * degraded or unavailable publishes `price_feed.unhealthy`, once per change (in memory, per
 * instance, as the venues' health is). A pass that throws (the database) is unavailable too.
 */
export function createPaperPriceFeed(options: {
  ctx: PaperVenueContext & { logger: Logger; clock: Clock };
  exchange: string | undefined;
  lastPrices: LastPriceSource | undefined;
  intervalMs: number;
  metrics?: MarketDataMetrics;
}): PaperPriceFeed {
  const { ctx, lastPrices, exchange } = options;
  let report: StatusReport<VenueHealth> = { status: "unknown", checkedAt: null, detail: null };
  // Symbols without a price at the last pass, and why: a warning when one starts (or its reason
  // changes), an info line when it is priced again; not one line per symbol every few seconds.
  let unpriced = new Map<string, string>();
  const logChanges = (done: MarketPricePass) => {
    const now = new Map(done.unpriced.map((u) => [u.symbol, u.reason]));
    for (const u of done.unpriced) {
      if (unpriced.get(u.symbol) !== u.reason) ctx.logger.warn({ symbol: u.symbol, reason: u.reason, detail: u.detail }, "no market price for a paper symbol; its mark stays");
    }
    for (const symbol of unpriced.keys()) if (!now.has(symbol)) ctx.logger.info({ symbol }, "market prices for a paper symbol again");
    unpriced = now;
  };
  // Awaited: a pass is over once its notification is in the outbox (a shutdown waits for the pass).
  const record = async (health: VenueHealth, detail: string | null) => {
    const before = report.status;
    report = { status: health, checkedAt: ctx.clock.now(), detail };
    if (exchange && UNHEALTHY.has(health) && health !== before) {
      await ctx.notifier?.publish([priceFeedUnhealthyEvent({ exchange, health, previousHealth: before, detail, at: report.checkedAt as Date })]);
    }
  };
  const pass = createPeriodicPass({
    what: "paper price feed",
    intervalMs: lastPrices ? options.intervalMs : 0,
    logger: ctx.logger,
    run: async () => {
      if (!lastPrices) return NOTHING;
      try {
        const done = await applyMarketPrices(ctx, lastPrices);
        options.metrics?.pricePass({ marked: done.marked, unchanged: done.symbols - done.marked - done.missing, missing: done.missing });
        logChanges(done);
        const { health, detail } = healthOf(done);
        await record(health, detail);
        return done;
      } catch (err) {
        // The error itself goes to the log (as the periodic pass's warning); this text is shown and sent.
        await record("unavailable", "the pass failed (see the gateway's log)");
        throw err;
      }
    },
  });
  return { ...pass, status: () => (lastPrices && exchange ? { exchange, ...report } : undefined) };
}
