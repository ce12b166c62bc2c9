import type { PaperVenueContext } from "../execution/paper/paper-venue.js";
import type { PaperPriceFeed } from "../execution/paper/price-feed.js";
import type { LiveAccounts } from "../execution/live-status.js";
import type { LiveVenues } from "../execution/live/live-venues-port.js";
import type { Logger } from "../lib/logger.js";

/**
 * What the trading services need: the reads use the database only; manual orders, cancels, closes
 * and the kill switch's flatten place orders through risk onto the venue.
 */
export type TradingContext = PaperVenueContext & {
  logger: Logger;
  /** Absent: no live accounts are configured (tests, backtests). */
  liveAccounts?: LiveAccounts;
  /** The exchange accounts' venues; absent or empty: every order is a paper one. */
  liveVenues?: LiveVenues;
  /** The paper price feed, whose health paper accounts show; absent (or without status): none configured. */
  paperPriceFeed?: Pick<PaperPriceFeed, "status">;
};
