import type { Logger } from "../../lib/logger.js";
import { createPeriodicPass, type PeriodicPass } from "../../lib/periodic-pass.js";
import type { LastPriceSource } from "../../market-data/last-prices.js";
import { applyMarketPrices, type MarketPricePass } from "./market-price-pass.js";
import type { PaperVenueContext } from "./paper-venue.js";

export type PaperPriceFeed = PeriodicPass<MarketPricePass>;

const NOTHING: MarketPricePass = { symbols: 0, marked: 0, fills: 0, missing: 0 };

/**
 * The paper price feed on its own timer (PAPER_PRICE_POLL_MS), started and stopped with the signal
 * workers. Without a price source (PAPER_PRICE_EXCHANGE unset) it never ticks and a pass does nothing.
 * Several instances may run it: each pass's price and fills are one transaction under the symbol's
 * lock, and a fill takes a resting order only once.
 */
export function createPaperPriceFeed(options: {
  ctx: PaperVenueContext & { logger: Logger };
  lastPrices: LastPriceSource | undefined;
  intervalMs: number;
}): PaperPriceFeed {
  const { ctx, lastPrices } = options;
  return createPeriodicPass({
    what: "paper price feed",
    intervalMs: lastPrices ? options.intervalMs : 0,
    logger: ctx.logger,
    run: () => (lastPrices ? applyMarketPrices(ctx, lastPrices) : Promise.resolve(NOTHING)),
  });
}
