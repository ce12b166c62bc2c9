import type { Db } from "../db/client.js";

/** What the candle import and queries need. */
export type MarketDataContext = { readonly db: Db };
