import type { Db } from "../db/client.js";
import type { CandleFeedServices } from "../strategy/feed/candle-feed-context.js";

/** What the candle import and queries need. */
export type MarketDataContext = {
  readonly db: Db;
  /** What the candle feeds run with after an import's batch commits; absent, standaloneFeedServices(). */
  readonly feeds?: CandleFeedServices;
};
