import type { RawQuery } from "../raw-query.js";

/** The UTC day of a market_prices row's observation, in SQL. */
export const UTC_DAY = (row: string) => `(${row}.observed_at at time zone 'UTC')::date`;

/**
 * How a new price replaces a symbol's row (the SET of its upsert): the first price of a UTC day
 * keeps the one it replaces as that day's midnight mark, which the daily loss counts from.
 */
export const MARKET_PRICE_UPDATE = `
    day_open_price = case when ${UTC_DAY("excluded")} > ${UTC_DAY("market_prices")} then market_prices.price else market_prices.day_open_price end,
    day_open_day = case when ${UTC_DAY("excluded")} > ${UTC_DAY("market_prices")} then ${UTC_DAY("excluded")} else market_prices.day_open_day end,
    price = excluded.price, source = excluded.source, observed_at = excluded.observed_at`;

/** Where a mark came from besides a signal: an exchange account's venue, or public market data (the paper price feed). */
export type ObservedPriceSource = "venue" | "market";

// Never older over newer: a price read before a signal's was recorded must not replace it.
const RECORD_OBSERVED_PRICE = `insert into market_prices (symbol, price, source, observed_at)
values ($1, $2::numeric, $3, $4::timestamptz)
on conflict (symbol) do update set ${MARKET_PRICE_UPDATE}
where market_prices.observed_at <= excluded.observed_at
returning 1`;

/** A price observed outside a signal, as the symbol's mark; false when the mark it found is newer and stays. */
export async function recordObservedPrice(
  query: RawQuery,
  price: { symbol: string; price: string; source: ObservedPriceSource; observedAt: Date },
): Promise<boolean> {
  const rows = await query(RECORD_OBSERVED_PRICE, [price.symbol, price.price, price.source, price.observedAt.toISOString()]);
  return rows.length > 0;
}
