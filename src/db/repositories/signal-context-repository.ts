import type { RawQuery } from "../raw-query.js";
import { MARKET_PRICE_UPDATE } from "./market-prices-repository.js";

/**
 * What every signal reads before its orders, and the price it records, in one prepared statement:
 * the strategy's configuration, its position in the symbol, the symbol's last price, and whether
 * any order rests in the symbol (only then does the price need a matching pass of its own). The
 * first price recorded on a UTC day keeps the one before it as the day's midnight mark, which the
 * daily loss counts from.
 *
 * The signal's price is recorded only for a strategy that trades (paper or live): a disabled
 * strategy's alerts are kept in the ledger but move nothing. The account is the strategy's own
 * when its configuration names one, else the shared default. Both rules are the handler's, applied
 * here so that one round trip does it all; the defaults come from the caller ($4, $6) so the
 * configuration schema stays their only source.
 */

const SIGNAL_CONTEXT = `with s as (
  select id, config, coalesce(config ->> 'accountId', $4) as account_id,
         coalesce(config ->> 'mode', $6) <> 'disabled' as trading
  from strategies where id = $1
),
recorded as (
  insert into market_prices (symbol, price, source, observed_at)
  select $2, $3::numeric, 'signal', $5::timestamptz from s where s.trading and $3::text is not null
  on conflict (symbol) do update set ${MARKET_PRICE_UPDATE}
  returning 1
)
select
  s.config::text as config,
  (select quantity::text from positions
     where account_id = s.account_id and strategy_id = s.id and symbol = $2 and status = 'open') as position_quantity,
  (select price::text from market_prices where symbol = $2) as last_price,
  exists (select 1 from orders o join accounts a on a.id = o.account_id and a.venue = 'paper'
          where o.symbol = $2 and o.status in ('submitted', 'partially_filled')) as resting,
  (select count(*) from recorded)::int as recorded
from s`;

export type SignalContext = {
  /** The strategy's stored configuration (raw: the caller parses it with its schema). */
  config: unknown;
  /** The strategy's open position in the symbol, signed; undefined when flat. */
  positionQuantity: string | undefined;
  /** The symbol's last price before this signal's. */
  lastPrice: string | undefined;
  /** Orders rest in the symbol: the signal's price must be matched against them first. */
  resting: boolean;
};

/** undefined when the strategy no longer exists. */
export async function loadSignalContext(
  query: RawQuery,
  input: {
    strategyId: string;
    symbol: string;
    /** The signal's price, recorded as the symbol's last price unless the strategy is disabled. */
    price: { value: string; observedAt: Date } | undefined;
    defaultAccountId: string;
    defaultMode: string;
  },
): Promise<SignalContext | undefined> {
  const [row] = await query<{ config: string; position_quantity: string | null; last_price: string | null; resting: boolean | string }>(
    SIGNAL_CONTEXT,
    [
      input.strategyId,
      input.symbol,
      input.price?.value ?? null,
      input.defaultAccountId,
      (input.price?.observedAt ?? new Date(0)).toISOString(),
      input.defaultMode,
    ],
  );
  if (!row) return undefined;
  return {
    config: JSON.parse(row.config) as unknown,
    positionQuantity: row.position_quantity ?? undefined,
    lastPrice: row.last_price ?? undefined,
    resting: row.resting === true || row.resting === "t",
  };
}
