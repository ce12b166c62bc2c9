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

// Never older over newer: a venue's price read before a signal's was recorded must not replace it.
const RECORD_VENUE_PRICE = `insert into market_prices (symbol, price, source, observed_at)
values ($1, $2::numeric, 'venue', $3::timestamptz)
on conflict (symbol) do update set ${MARKET_PRICE_UPDATE}
where market_prices.observed_at <= excluded.observed_at`;

/** An exchange's last price for a symbol, as its mark (source `venue`). */
export async function recordVenuePrice(query: RawQuery, price: { symbol: string; price: string; observedAt: Date }): Promise<void> {
  await query(RECORD_VENUE_PRICE, [price.symbol, price.price, price.observedAt.toISOString()]);
}
