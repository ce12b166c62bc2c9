import type { Clock } from "../../src/lib/clock.js";
import { startTestExchange, type TestExchange, type TestExchangeOptions } from "../exchange/server.js";
import { startTestApp, type TestApp } from "./harness.js";
import { waitForExchangeAccounts } from "./trading.js";

const KEY = "live-itest-key-4b8e1c2d";
const SECRET = "live-itest-secret-9f3a6e07b1";

export type LiveTestApp = { t: TestApp; x: TestExchange; close(): Promise<void> };

/**
 * A gateway with one spot exchange account, `account`, on a test exchange of its own (ccxt's real
 * binance class against it). Reconciliation, protection passes and limit sweeps run only when a test
 * asks (and one reconciliation at start); resolves once the account has been checked.
 */
export async function startLiveTestApp(options: {
  account: string;
  exchange: Omit<TestExchangeOptions, "apiKey" | "secret">;
  clock?: Clock;
  env?: Record<string, string>;
}): Promise<LiveTestApp> {
  const x = await startTestExchange({ ...options.exchange, apiKey: KEY, secret: SECRET });
  const account = { id: options.account, name: options.account, exchange: "binance", apiKeyEnv: "LIVE_ITEST_KEY", secretEnv: "LIVE_ITEST_SECRET", sandbox: false, marketType: "spot", apiBaseUrl: x.url };
  const env = {
    EXCHANGE_ACCOUNTS: JSON.stringify([account]),
    LIVE_ITEST_KEY: KEY,
    LIVE_ITEST_SECRET: SECRET,
    EXCHANGE_TIMEOUT_MS: "1000",
    EXCHANGE_RECV_WINDOW_MS: "1000",
    EXCHANGE_RECONCILE_MS: "0",
    EXCHANGE_PROTECTION_POLL_MS: "0",
    LIMIT_FALLBACK_SWEEP_MS: "0",
    ...options.env,
  };
  const t = await startTestApp(env, options.clock ? { clock: options.clock } : {});
  await waitForExchangeAccounts(t, [options.account]);
  return {
    t,
    x,
    close: async () => {
      await t.close();
      await x.close();
    },
  };
}
