import type { Exchange, OHLCV } from "ccxt";
import { numberToDecimal } from "../domain/signal.js";
import { DEFAULT_RETRY, realSleep, withRetry, type Random, type RetryConfig, type Sleep } from "../execution/live/retry.js";
import { classifyVenueError, type VenueFailure } from "../execution/live/venue-errors.js";
import type { Candle } from "./csv-parser.js";
import { alignUp, timeframeMs, type Timeframe } from "./timeframes.js";

export type FetchCandlesInput = {
  /** A ccxt client, with `enableRateLimit` on: ccxt then spaces the requests by its `rateLimit`. */
  exchange: Exchange;
  symbol: string;
  timeframe: Timeframe;
  /** Candle open times in ms, both inclusive. */
  from: number;
  to: number;
  /** Candles asked per request; default: the exchange's documented maximum, else 500. */
  limit?: number;
  onPage?: (page: FetchedPage) => void;
  /** For a page that failed with a rate limit, a 5xx or a network error. */
  retry?: Partial<RetryConfig>;
  sleep?: Sleep;
  random?: Random;
  /** Candles still open at this instant are left out: their values are not final. */
  now?: () => number;
};

export type FetchedPage = {
  /** 1-based. */
  readonly page: number;
  readonly since: number;
  readonly limit: number;
  /** Requests this page took: 1 plus its retries. */
  readonly attempts: number;
  readonly received: number;
  /** New candles from this page, in the order the exchange sent them. */
  readonly candles: readonly Candle[];
  /** Candles already received with the same values, dropped. */
  readonly overlaps: number;
  /** Rows outside [from, to], not yet closed, or without a time or price: dropped. */
  readonly outside: number;
};

export type FetchStats = { pages: number; requests: number; received: number; kept: number; overlaps: number; outside: number };

/** A page could not be fetched: not retryable, or still failing after the last retry. */
export class CandleFetchError extends Error {
  constructor(
    readonly failure: VenueFailure,
    readonly attempts: number,
    at: { symbol: string; timeframe: Timeframe; since: number },
  ) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    super(`fetching ${at.symbol} ${at.timeframe} candles from ${new Date(at.since).toISOString()} failed${tries}: ${failure.reason} (${failure.detail})`);
    this.name = "CandleFetchError";
  }
}

const FALLBACK_LIMIT = 500;

/**
 * Pages through `fetchOHLCV` from `from` to `to`: each request starts just past the last candle
 * received and asks for no more candles than remain up to `to` (or up to the last closed one), so
 * nothing past `to` is requested. Stops on an empty page or one that brings nothing new. Prices
 * become their shortest decimal text. A candle received again with the same values (an exchange
 * whose pages overlap) is dropped; one with other values is kept so the import reports it.
 */
export async function* fetchCandlePages(input: FetchCandlesInput): AsyncGenerator<FetchedPage> {
  const { exchange, symbol, timeframe } = input;
  const tf = timeframeMs(timeframe);
  const now = input.now ?? Date.now;
  const retry = { ...DEFAULT_RETRY, ...input.retry };
  const deps = { config: retry, sleep: input.sleep ?? realSleep, random: input.random ?? Math.random };
  // The last open time of a closed candle: the one forming now would be stored with values still moving.
  const last = Math.min(input.to, now() - tf);
  const seen = new Map<number, string>();
  let since = alignUp(input.from, timeframe);
  let maxLimit = input.limit;
  // Candles the last page sent from before its `since`: an exchange whose pages overlap is asked for
  // that many more, so its page still reaches `to` and still ends there.
  let lead = 0;

  for (let page = 1; since <= last; page++) {
    const at = since;
    const outcome = await withRetry(deps, async () => {
      try {
        maxLimit ??= await documentedLimit(exchange, symbol);
        const limit = Math.min(maxLimit, Math.floor((last - at) / tf) + 1 + lead);
        return { done: true as const, value: { limit, rows: await exchange.fetchOHLCV(symbol, timeframe, at, limit) } };
      } catch (error) {
        const failure = classifyVenueError(error, { phase: "read", headers: exchange.last_response_headers, nowMs: now() });
        return { done: false as const, failure, retryable: failure.kind === "transient", retryAfterMs: "retryAfterMs" in failure ? failure.retryAfterMs : undefined };
      }
    });
    if (!outcome.ok) throw new CandleFetchError(outcome.failure, outcome.attempts, { symbol, timeframe, since: at });

    const { limit, rows } = outcome.value;
    const candles: Candle[] = [];
    let overlaps = 0;
    let outside = 0;
    let newest = -Infinity;
    lead = 0;
    for (const row of rows) {
      const candle = toCandle(row);
      if (candle === undefined || candle.openTime < input.from || candle.openTime > last) {
        outside++;
        continue;
      }
      newest = Math.max(newest, candle.openTime);
      if (candle.openTime < at) lead++;
      const values = [candle.open, candle.high, candle.low, candle.close, candle.volume].join(",");
      if (seen.get(candle.openTime) === values) {
        overlaps++;
        continue;
      }
      if (!seen.has(candle.openTime)) seen.set(candle.openTime, values);
      candles.push(candle);
    }
    const fetched: FetchedPage = { page, since: at, limit, attempts: outcome.attempts, received: rows.length, candles, overlaps, outside };
    input.onPage?.(fetched);
    yield fetched;
    // Nothing at or after `since` (an empty page, or only older candles): the exchange has no more.
    if (!(newest >= since)) break;
    since = newest + tf;
  }
}

/** Every candle of the range in memory, with what the paging saw. For ranges that fit; importers stream the pages. */
export async function fetchCandles(input: FetchCandlesInput): Promise<{ candles: Candle[]; stats: FetchStats }> {
  const candles: Candle[] = [];
  const stats = emptyStats();
  for await (const page of fetchCandlePages(input)) {
    addPage(stats, page);
    candles.push(...page.candles);
  }
  return { candles, stats };
}

export function emptyStats(): FetchStats {
  return { pages: 0, requests: 0, received: 0, kept: 0, overlaps: 0, outside: 0 };
}

export function addPage(stats: FetchStats, page: FetchedPage): void {
  stats.pages++;
  stats.requests += page.attempts;
  stats.received += page.received;
  stats.kept += page.candles.length;
  stats.overlaps += page.overlaps;
  stats.outside += page.outside;
}

/** ccxt's numbers as their shortest decimal text; a row without a time or a price is not a candle. */
function toCandle(row: OHLCV): Candle | undefined {
  const [t, o, h, l, c, v] = row;
  if (typeof t !== "number" || [o, h, l, c].some((x) => typeof x !== "number")) return undefined;
  return {
    openTime: t,
    open: numberToDecimal(o as number),
    high: numberToDecimal(h as number),
    low: numberToDecimal(l as number),
    close: numberToDecimal(c as number),
    // Some exchanges leave the volume out of a bar without trades.
    volume: typeof v === "number" ? numberToDecimal(v) : "0",
  };
}

// Where paging starts (timeframes.ts): kept here too, where the paging tests look for it.
export { alignUp };

/** The most candles one request may ask for, from ccxt's `features` for the symbol's market type. */
async function documentedLimit(exchange: Exchange, symbol: string): Promise<number> {
  await exchange.loadMarkets();
  const market = exchange.market(symbol);
  const byType = (exchange.features as Record<string, Record<string, unknown> | undefined> | undefined)?.[market.type ?? "spot"];
  const contract = market.linear ? "linear" : market.inverse ? "inverse" : undefined;
  const scope = (contract && (byType?.[contract] as Record<string, unknown> | undefined)) || byType;
  const limit = (scope?.["fetchOHLCV"] as { limit?: unknown } | undefined)?.limit;
  return typeof limit === "number" && limit > 0 ? limit : FALLBACK_LIMIT;
}
