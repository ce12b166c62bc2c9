import * as ccxt from "ccxt";
import type { Exchange } from "ccxt";
import type { ExchangeAccountConfig } from "../../config/exchange-accounts.js";
import type { Db } from "../../db/client.js";
import { setAccountCash } from "../../db/repositories/accounts-repository.js";
import { upsertTradingState } from "../../db/repositories/trading-states-repository.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { LiveAccounts } from "../live-status.js";
import { createCcxtVenue, type CcxtVenue } from "./ccxt-venue.js";
import type { LiveVenues } from "./live-venues-port.js";


type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

/**
 * A ccxt client for one configured account: credentials read from the environment now (never
 * stored), ccxt's own rate limiter on, the sandbox (testnet) URLs when asked, and `apiBaseUrl`, when
 * set, replacing the origin of every API URL (a proxy, a regional endpoint, or a test exchange that
 * serves the exchange's paths).
 */
export function exchangeClient(account: ExchangeAccountConfig, credentials: { apiKey: string; secret: string; password?: string | undefined }, timeoutMs: number): Exchange {
  const Class = (ccxt as unknown as Record<string, ExchangeClass | undefined>)[account.exchange];
  if (!Class) throw new Error(`ccxt has no exchange '${account.exchange}'`);
  const exchange = new Class({
    apiKey: credentials.apiKey,
    secret: credentials.secret,
    ...(credentials.password ? { password: credentials.password } : {}),
    enableRateLimit: true,
    timeout: timeoutMs,
    // Only what trading needs: no currency or margin listings (extra private endpoints at load time).
    options: { defaultType: account.marketType, fetchCurrencies: false, fetchMargins: false, fetchMarkets: { types: [account.marketType] } },
  });
  if (account.sandbox) exchange.setSandboxMode(true);
  if (account.apiBaseUrl) exchange.urls["api"] = withOrigin(exchange.urls["api"], account.apiBaseUrl) as typeof exchange.urls["api"];
  return exchange;
}

/** Every URL string in ccxt's `urls.api` (a nested map), with its origin replaced by `base`'s. */
function withOrigin(api: unknown, base: string): unknown {
  const origin = base.replace(/\/+$/, "");
  const swap = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(/^https?:\/\/[^/]+/, origin);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v)]));
    return value;
  };
  return swap(api);
}

export function createLiveVenues(options: {
  liveAccounts: LiveAccounts;
  db: Db;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
}): LiveVenues {
  const { liveAccounts, clock, logger } = options;
  const venues = new Map<string, CcxtVenue>();
  for (const account of liveAccounts.accounts) {
    const exchange = exchangeClient(account, liveAccounts.credentialsOf(account.id), options.timeoutMs);
    venues.set(account.id, createCcxtVenue({ exchange, accountId: account.id, clock, logger }));
  }
  return {
    venueOf: (accountId) => venues.get(accountId),
    // In the background: an exchange that is down or slow must not hold up the gateway's start (or
    // its paper trading). Until an account's balances are read its cash is 0, so the risk engine
    // denies its orders (EQUITY_NOT_POSITIVE) rather than guessing.
    start: async () => {
      void connectAll().catch((err: unknown) => logger.error({ err }, "live accounts could not be initialized"));
    },
  };

  async function connectAll(): Promise<void> {
    for (const account of liveAccounts.accounts) {
      const venue = venues.get(account.id);
      if (!venue) continue;
      const [markets, balances] = [await venue.loadMarkets(), await venue.fetchBalances()];
      if (!markets.ok || !balances.ok) {
        const error = !markets.ok ? markets.error : !balances.ok ? balances.error : undefined;
        liveAccounts.status.reportHealth(account.id, "unavailable", `${error?.reason ?? "unknown"}: markets or balances could not be read`);
        if (error?.kind === "auth") {
          // A key the venue refuses will not get better by retrying: the account's trading stops
          // until an operator has fixed the key and PUTs the account back to ACTIVE.
          await upsertTradingState(options.db, { scope: "account", scopeId: account.id, state: "HALTED", reason: error.reason, changedBy: "venue", changedAt: clock.now() });
          logger.error({ accountId: account.id, reason: error.reason }, "exchange refused the account's credentials; account trading HALTED");
        } else {
          logger.error({ accountId: account.id, reason: error?.reason }, "live account unavailable at start");
        }
        continue;
      }
      // The ledger's cash for a live account is the venue's balance in the account's currency.
      const cash = balances.value.get(account.currency)?.total ?? "0";
      await setAccountCash(options.db, account.id, cash, clock.now());
      liveAccounts.status.reportHealth(account.id, "ok", `${markets.value.size} markets`);
    }
  }
}
