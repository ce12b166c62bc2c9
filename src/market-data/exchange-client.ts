import * as ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { ccxtExchangeIds } from "../config/exchange-accounts.js";

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

export type PublicClientOptions = {
  /** A ccxt exchange id: binance, bybit, okx… */
  exchange: string;
  /** A unified symbol: one with a settle currency (BTC/USDT:USDT) loads the exchange's derivative markets. */
  symbol: string;
  sandbox?: boolean;
  /** Replaces the origin of every API URL (a proxy, a regional endpoint, a test exchange). */
  apiBaseUrl?: string | undefined;
  timeoutMs: number;
};

export class UnknownExchangeError extends Error {
  constructor(id: string) {
    super(`ccxt has no exchange '${id}'`);
    this.name = "UnknownExchangeError";
  }
}

/**
 * A ccxt client for public market data, built like the live venue's (src/execution/live/live-venues.ts
 * exchangeClient) minus credentials: ccxt's rate limiter on, sandbox URLs when asked, and the API
 * origin replaced when `apiBaseUrl` is set. A spot symbol loads the spot markets only.
 */
export function publicExchangeClient(options: PublicClientOptions): Exchange {
  const Class = ccxtExchangeIds().has(options.exchange) ? (ccxt as unknown as Record<string, ExchangeClass | undefined>)[options.exchange] : undefined;
  if (typeof Class !== "function") throw new UnknownExchangeError(options.exchange);
  const spot = !options.symbol.includes(":");
  const exchange = new Class({
    enableRateLimit: true,
    timeout: options.timeoutMs,
    options: spot ? { defaultType: "spot", fetchCurrencies: false, fetchMargins: false, fetchMarkets: { types: ["spot"] } } : { fetchCurrencies: false, fetchMargins: false },
  });
  if (options.sandbox) exchange.setSandboxMode(true);
  if (options.apiBaseUrl) exchange.urls["api"] = withOrigin(exchange.urls["api"], options.apiBaseUrl) as (typeof exchange.urls)["api"];
  return exchange;
}

// The same as live-venues.ts's (not exported there).
function withOrigin(api: unknown, base: string): unknown {
  const origin = base.replace(/\/+$/, "");
  const swap = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(/^https?:\/\/[^/]+/, origin);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v)]));
    return value;
  };
  return swap(api);
}
