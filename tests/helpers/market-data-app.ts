import type { Clock } from "../../src/lib/clock.js";
import type { NotificationEventType } from "../../src/notifications/events.js";
import type { TestExchange } from "../exchange/server.js";
import { startReceiver, type Receiver } from "../integration/notifications-receivers.js";
import { startTestApp, type TestApp } from "./harness.js";

export type MarketDataApp = { t: TestApp; hook: Receiver; close(): Promise<void> };

/**
 * A gateway whose market data exchange (MARKET_DATA_EXCHANGE) is the test exchange `x`, its passes
 * driven by the test (both timers off), and a webhook sink taking `events` at `hook`.
 */
export async function startMarketDataApp(options: { x: TestExchange; events: NotificationEventType[]; clock?: Clock; env?: Record<string, string> }): Promise<MarketDataApp> {
  const hook = await startReceiver();
  const sinks = [{ name: "feed-watch", type: "webhook", urlEnv: "FEED_WATCH_URL", secretEnv: "FEED_WATCH_SECRET", events: options.events }];
  const t = await startTestApp(
    {
      MARKET_DATA_EXCHANGE: "binance",
      MARKET_DATA_API_URL: options.x.url,
      PAPER_PRICE_POLL_MS: "0",
      CANDLE_FEED_POLL_MS: "0",
      EXCHANGE_TIMEOUT_MS: "2000",
      NOTIFICATION_DISPATCH_MS: "0",
      NOTIFICATION_SINKS: JSON.stringify(sinks),
      FEED_WATCH_URL: `${hook.url}/feed`,
      FEED_WATCH_SECRET: `whsec_${Buffer.alloc(32, 7).toString("base64")}`,
      ...options.env,
    },
    options.clock ? { clock: options.clock } : {},
  );
  return {
    t,
    hook,
    close: async () => {
      await t.close();
      await hook.close();
    },
  };
}
