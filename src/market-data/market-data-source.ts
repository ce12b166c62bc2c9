import { fetchFeedCandles, type CandleFetchPass, type CandleFetchReport } from "./candle-fetcher.js";
import type { MarketDataContext } from "./context.js";
import { publicClients } from "./exchange-client.js";
import { exchangeLastPrices, type LastPriceSource } from "./last-prices.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";

/** An exchange's public market data (MARKET_DATA_EXCHANGE): last prices for the paper price feed, candles for the candle feeds. */
export type MarketDataSource = {
  readonly exchange: string;
  readonly lastPrices: LastPriceSource;
  fetchFeedCandles(ctx: { marketData: MarketDataContext; clock: Clock; logger: Logger; pollMs: number; report?: CandleFetchReport }): Promise<CandleFetchPass>;
};

/**
 * Loaded by the container only when MARKET_DATA_EXCHANGE is set: it brings ccxt. Both uses share
 * the exchange's clients, hence its rate limiter.
 */
export function marketDataSource(options: { exchange: string; apiBaseUrl: string | undefined; timeoutMs: number }): MarketDataSource {
  const clientFor = publicClients(options);
  return {
    exchange: options.exchange,
    lastPrices: exchangeLastPrices(options.exchange, clientFor),
    fetchFeedCandles: (ctx) => fetchFeedCandles(ctx, clientFor),
  };
}
