import type { Exchange } from "ccxt";
import { numberText } from "../execution/live/ccxt-markets.js";
import { classifyVenueError } from "../execution/live/venue-errors.js";

/** A symbol's last traded price, or why there is none this time. */
export type LastPrice = { ok: true; price: string } | { ok: false; reason: string; detail: string };

/** Last prices of unified symbols (BTC/USDT, BTC/USDT:USDT): one answer per symbol asked. */
export type LastPriceSource = (symbols: readonly string[]) => Promise<Map<string, LastPrice>>;

/**
 * Last prices from an exchange's public tickers through ccxt, with its clients by kind of market
 * (publicClients in exchange-client.ts): one read per kind and pass.
 */
export function exchangeLastPrices(exchange: string, clientFor: (symbol: string) => Exchange): LastPriceSource {
  return async (symbols) => {
    const answers = new Map<string, LastPrice>();
    const byKind = new Map<"spot" | "derivative", string[]>();
    for (const symbol of symbols) {
      const kind = symbol.includes(":") ? "derivative" : "spot";
      byKind.set(kind, [...(byKind.get(kind) ?? []), symbol]);
    }
    for (const wanted of byKind.values()) {
      try {
        const client = clientFor(wanted[0] as string);
        const markets = await client.loadMarkets();
        const listed = wanted.filter((s) => markets[s] !== undefined);
        for (const s of wanted) if (!listed.includes(s)) answers.set(s, { ok: false, reason: "SYMBOL_NOT_LISTED", detail: `${exchange} does not list ${s}` });
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
