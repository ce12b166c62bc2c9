import * as ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { ccxtExchangeIds } from "../config/exchange-accounts.js";
import { withOrigin } from "../lib/with-origin.js";

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

/** The client cannot be built as asked: an exchange ccxt does not know, or a sandbox it does not have. */
export class ExchangeClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExchangeClientError";
  }
}

/**
 * A ccxt client for public market data, built like the live venue's (src/execution/live/live-venues.ts
 * exchangeClient) minus credentials: ccxt's rate limiter on, sandbox URLs when asked, and the API
 * origin replaced when `apiBaseUrl` is set. A spot symbol loads the spot markets only.
 */
export function publicExchangeClient(options: PublicClientOptions): Exchange {
  const Class = ccxtExchangeIds().has(options.exchange) ? (ccxt as unknown as Record<string, ExchangeClass | undefined>)[options.exchange] : undefined;
  if (typeof Class !== "function") throw new ExchangeClientError(`ccxt has no exchange '${options.exchange}'`);
  const spot = !options.symbol.includes(":");
  const exchange = new Class({
    enableRateLimit: true,
    timeout: options.timeoutMs,
    options: spot ? { defaultType: "spot", fetchCurrencies: false, fetchMargins: false, fetchMarkets: { types: ["spot"] } } : { fetchCurrencies: false, fetchMargins: false },
  });
  if (options.sandbox) {
    // Some exchanges declare `urls.test` without a URL in it; ccxt would then send requests to "undefined/…".
    if (!hasUrl(exchange.urls["test"])) throw new ExchangeClientError(`ccxt knows no sandbox (testnet) for ${options.exchange}`);
    exchange.setSandboxMode(true);
  }
  if (options.apiBaseUrl) exchange.urls["api"] = withOrigin(exchange.urls["api"], options.apiBaseUrl) as (typeof exchange.urls)["api"];
  return exchange;
}

/**
 * Public clients of one exchange, one per kind of market: spot symbols and derivatives (those with a
 * settle currency) load different market lists. Each is built on first use and kept, with the
 * markets and the rate limiter ccxt keeps in it.
 */
export function publicClients(options: Omit<PublicClientOptions, "symbol">): (symbol: string) => Exchange {
  const clients = new Map<"spot" | "derivative", Exchange>();
  return (symbol) => {
    const kind = symbol.includes(":") ? "derivative" : "spot";
    let client = clients.get(kind);
    if (!client) {
      client = publicExchangeClient({ ...options, symbol });
      clients.set(kind, client);
    }
    return client;
  };
}

function hasUrl(value: unknown): boolean {
  if (typeof value === "string") return /^https?:\/\//.test(value);
  return value !== null && typeof value === "object" && Object.values(value).some(hasUrl);
}
