import type { Exchange } from "ccxt";
import { numberText } from "../execution/live/ccxt-markets.js";
import { classifyVenueError } from "../execution/live/venue-errors.js";
import { publicExchangeClient } from "./exchange-client.js";

/** A symbol's last traded price, or why there is none this time. */
export type LastPrice = { ok: true; price: string } | { ok: false; reason: string; detail: string };

/** Last prices of unified symbols (BTC/USDT, BTC/USDT:USDT): one answer per symbol asked. */
export type LastPriceSource = (symbols: readonly string[]) => Promise<Map<string, LastPrice>>;

export type ExchangeLastPricesOptions = {
  /** A ccxt exchange id: its public API, no credentials. */
  exchange: string;
  /** Replaces the origin of every API URL (a proxy, a regional endpoint, a test exchange). */
  apiBaseUrl?: string | undefined;
  timeoutMs: number;
};

/**
 * Last prices from an exchange's public tickers through ccxt. Spot symbols and derivatives (those
 * with a settle currency) load different market lists, so each kind has its own client, built on
 * first use and kept (ccxt keeps its markets and its rate limiter with it).
 */
export function exchangeLastPrices(options: ExchangeLastPricesOptions): LastPriceSource {
  const clients = new Map<"spot" | "derivative", Exchange>();
  const clientFor = (kind: "spot" | "derivative", symbol: string): Exchange => {
    let client = clients.get(kind);
    if (!client) {
      client = publicExchangeClient({ exchange: options.exchange, symbol, apiBaseUrl: options.apiBaseUrl, timeoutMs: options.timeoutMs });
      clients.set(kind, client);
    }
    return client;
  };

  return async (symbols) => {
    const answers = new Map<string, LastPrice>();
    const byKind = new Map<"spot" | "derivative", string[]>();
    for (const symbol of symbols) {
      const kind = symbol.includes(":") ? "derivative" : "spot";
      byKind.set(kind, [...(byKind.get(kind) ?? []), symbol]);
    }
    for (const [kind, wanted] of byKind) {
      try {
        const client = clientFor(kind, wanted[0] as string);
        const markets = await client.loadMarkets();
        const listed = wanted.filter((s) => markets[s] !== undefined);
        for (const s of wanted) if (!listed.includes(s)) answers.set(s, { ok: false, reason: "SYMBOL_NOT_LISTED", detail: `${options.exchange} does not list ${s}` });
        for (const [symbol, last] of await lastPricesOf(client, listed)) answers.set(symbol, last);
      } catch (err) {
        const failure = classifyVenueError(err, { phase: "read" });
        for (const s of wanted) if (!answers.has(s)) answers.set(s, { ok: false, reason: failure.reason, detail: failure.detail });
      }
    }
    return answers;
  };
}

/**
 * The cheapest read the exchange offers: its last prices alone where it has them (Binance's
 * ticker/price weighs 2 for every symbol, its 24-hour tickers 80), else its tickers, else one ticker
 * per symbol.
 */
async function lastPricesOf(client: Exchange, symbols: readonly string[]): Promise<Map<string, LastPrice>> {
  if (symbols.length === 0) return new Map();
  if (client.has["fetchLastPrices"] === true) {
    const prices = await client.fetchLastPrices([...symbols]);
    return new Map(symbols.map((s) => [s, lastOf(prices[s]?.price)]));
  }
  if (client.has["fetchTickers"] === true) {
    const tickers = await client.fetchTickers([...symbols]);
    return new Map(symbols.map((s) => [s, lastOf(tickers[s]?.last ?? tickers[s]?.close)]));
  }
  const found = new Map<string, LastPrice>();
  for (const s of symbols) {
    const ticker = await client.fetchTicker(s);
    found.set(s, lastOf(ticker.last ?? ticker.close));
  }
  return found;
}

function lastOf(value: number | undefined | null): LastPrice {
  const price = numberText(value);
  if (price === undefined || !(Number(price) > 0)) return { ok: false, reason: "NO_LAST_PRICE", detail: "the exchange gave no last price" };
  return { ok: true, price };
}
