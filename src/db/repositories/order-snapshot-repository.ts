import type { AccountRow } from "../schema/accounts.js";
import type { RawQuery } from "../raw-query.js";
import { KILL_SWITCH_LOCK } from "./kill-switch-lock.js";
import { SYMBOL_LOCK_FAMILY } from "./symbol-lock.js";
import type { StoredPosition } from "./trading-repository.js";

/**
 * Everything one order's risk decision and booking read, taken in one prepared statement under the
 * order's locks: whether the client order id already placed an order, the account, its open
 * positions, the prices that value them (now and at 00:00 UTC), the three trading states, today's
 * realized PnL and fills per symbol, the strategy's recent orders and the account's working sells
 * in the symbol. One round trip instead of
 * ten, and none of it grows with the day's trading: today's PnL is one row, its fills one row per
 * symbol, and the recent orders stop at the rate limit's value.
 */
export type SnapshotPrice = {
  price: string;
  observedAt: Date;
  /** The symbol's mark at 00:00 UTC of the snapshot's day (the last price before it); null when none is known. */
  dayOpen: string | null;
};

/** An account's fills in one symbol today: signed base units (contract size applied) and their cost, fees included. */
export type DayFlow = { symbol: string; quantity: string; cost: string };

export type OrderSnapshot = {
  existingOrderId: string | null;
  account: Pick<AccountRow, "id" | "currency" | "startingCash" | "cash" | "fees"> | null;
  openPositions: StoredPosition[];
  /** The order's symbol and every symbol the account holds or traded today, when a price is known. */
  prices: Map<string, SnapshotPrice>;
  /** Stored states by scope; a scope without a row is ACTIVE. */
  states: { global?: string; account?: string; strategy?: string };
  /** Today's (UTC) realized PnL net of fees. */
  realizedToday: string;
  /** Today's (UTC) fills of the account, summed per symbol. */
  dayFlows: DayFlow[];
  /** The strategy's latest orders since the window's start, newest first, at most the limit asked for. */
  recentOrderTimes: Date[];
  /** Unfilled quantity of the account's working sells (not reduce-only) in the order's symbol. */
  restingSells: string;
  /**
   * What the account's working spot buys (not reduce-only, every symbol) may still spend before
   * fees: unfilled quantity × limit price, else stop price, else the symbol's last price.
   */
  restingBuys: string;
};

// Money columns go out as text inside the JSON: a JSON number would lose digits in JSON.parse.
const POSITION_JSON = `json_build_object(
  'id', p.id, 'accountId', p.account_id, 'strategyId', p.strategy_id, 'symbol', p.symbol,
  'openingFillId', p.opening_fill_id, 'contractSize', p.contract_size::text, 'quantity', p.quantity::text,
  'averageEntryPrice', p.average_entry_price::text, 'costBasis', p.cost_basis::text,
  'realizedPnl', p.realized_pnl::text, 'fees', p.fees::text, 'status', p.status,
  'openedAt', p.opened_at, 'closedAt', p.closed_at, 'updatedAt', p.updated_at)`;

const SNAPSHOT = `with open_positions as (
  select * from positions where account_id = $2 and status = 'open'
), day_flows as (
  select symbol, quantity, cost from account_daily_flows where account_id = $2 and day = $5::date
)
select
  (select id from orders where client_order_id = $1) as existing_order_id,
  (select json_build_object('id', a.id, 'currency', a.currency, 'startingCash', a.starting_cash::text,
     'cash', a.cash::text, 'fees', a.fees::text)::text from accounts a where a.id = $2) as account,
  (select coalesce(json_agg(${POSITION_JSON} order by p.opened_at, p.id), '[]')::text from open_positions p) as open_positions,
  (select coalesce(json_agg(json_build_object('symbol', m.symbol, 'price', m.price::text, 'observedAt', m.observed_at,
     'dayOpen', case when m.day_open_day = $5::date then m.day_open_price::text
                     when m.observed_at < ($5::date)::timestamp at time zone 'UTC' then m.price::text end)), '[]')::text
     from market_prices m where m.symbol = $4 or m.symbol in (select symbol from open_positions)
       or m.symbol in (select symbol from day_flows)) as prices,
  (select state from trading_states where scope = 'global' and scope_id = '') as global_state,
  (select state from trading_states where scope = 'account' and scope_id = $2) as account_state,
  (select state from trading_states where scope = 'strategy' and scope_id = $3) as strategy_state,
  (select coalesce((select realized_pnl - fees from account_daily_pnl where account_id = $2 and day = $5::date), 0)::text) as realized_today,
  (select coalesce(json_agg(json_build_object('symbol', f.symbol, 'quantity', f.quantity::text, 'cost', f.cost::text)), '[]')::text
     from day_flows f) as day_flows,
  (select coalesce(json_agg(r.created_at), '[]')::text from (
     select created_at from orders where strategy_id = $3 and created_at >= $6::timestamptz
     order by created_at desc limit $7::int
   ) r) as recent_orders,
  (select coalesce(sum(quantity - filled_quantity), 0)::text from orders
     where account_id = $2 and symbol = $4 and side = 'sell' and not reduce_only
       and status in ('new', 'submitted', 'partially_filled')) as resting_sells,
  (select coalesce(sum((o.quantity - o.filled_quantity) * coalesce(o.limit_price, o.stop_price, m.price)), 0)::text
     from orders o left join market_prices m on m.symbol = o.symbol
     where o.account_id = $2 and o.side = 'buy' and not o.reduce_only and position(':' in o.symbol) = 0
       and o.status in ('new', 'submitted', 'partially_filled')) as resting_buys`;

type SnapshotRow = {
  existing_order_id: string | null;
  account: string | null;
  open_positions: string;
  prices: string;
  global_state: string | null;
  account_state: string | null;
  strategy_state: string | null;
  realized_today: string;
  day_flows: string;
  recent_orders: string;
  resting_sells: string;
  resting_buys: string;
};

type PositionJson = Omit<StoredPosition, "openedAt" | "closedAt" | "updatedAt" | "status"> & {
  status: StoredPosition["status"];
  openedAt: string;
  closedAt: string | null;
  updatedAt: string;
};

export async function loadOrderSnapshot(
  query: RawQuery,
  input: {
    clientOrderId: string;
    accountId: string;
    strategyId: string;
    symbol: string;
    /** The UTC day (YYYY-MM-DD) whose realized PnL, fees and fills count as today's. */
    day: string;
    ordersSince: Date;
    /** How many of the strategy's latest orders to read: the rate limit needs no more than its own value. */
    ordersLimit: number;
  },
): Promise<OrderSnapshot> {
  const [row] = await query<SnapshotRow>(SNAPSHOT, [
    input.clientOrderId,
    input.accountId,
    input.strategyId,
    input.symbol,
    input.day,
    input.ordersSince.toISOString(),
    input.ordersLimit,
  ]);
  if (!row) throw new Error("order snapshot returned no row");
  const positions = JSON.parse(row.open_positions) as PositionJson[];
  const prices = JSON.parse(row.prices) as Array<{ symbol: string; price: string; observedAt: string; dayOpen: string | null }>;
  return {
    existingOrderId: row.existing_order_id,
    account: row.account ? (JSON.parse(row.account) as OrderSnapshot["account"]) : null,
    openPositions: positions.map((p) => ({
      ...p,
      openedAt: new Date(p.openedAt),
      closedAt: p.closedAt ? new Date(p.closedAt) : null,
      updatedAt: new Date(p.updatedAt),
    })),
    prices: new Map(prices.map((p) => [p.symbol, { price: p.price, observedAt: new Date(p.observedAt), dayOpen: p.dayOpen }])),
    states: {
      ...(row.global_state ? { global: row.global_state } : {}),
      ...(row.account_state ? { account: row.account_state } : {}),
      ...(row.strategy_state ? { strategy: row.strategy_state } : {}),
    },
    realizedToday: row.realized_today,
    dayFlows: JSON.parse(row.day_flows) as DayFlow[],
    recentOrderTimes: (JSON.parse(row.recent_orders) as string[]).map((t) => new Date(t)),
    restingSells: row.resting_sells,
    restingBuys: row.resting_buys,
  };
}

// The symbols each open transaction (keyed by its drizzle handle) has locked here.
const lockedSymbols = new WeakMap<object, Set<string>>();

/**
 * The kill switch's shared lock and the symbol's lock, in one statement and in the order every
 * other path takes them (kill switch first), inside transaction `tx`. The locks last until `tx`
 * ends, so the statement goes out only the first time `tx` asks for `symbol` (a signal's second leg
 * needs none). A savepoint has a handle of its own and locks again, which the same session may do.
 */
export function lockForOrder(tx: object, query: RawQuery, symbol: string): Promise<void> {
  let held = lockedSymbols.get(tx);
  if (!held) lockedSymbols.set(tx, (held = new Set()));
  if (held.has(symbol)) return Promise.resolve();
  held.add(symbol);
  return query(LOCK_FOR_ORDER, [symbol]).then(() => undefined);
}

const LOCK_FOR_ORDER = `select pg_advisory_xact_lock_shared(${KILL_SWITCH_LOCK}::bigint), pg_advisory_xact_lock(${SYMBOL_LOCK_FAMILY}::int, hashtext($1::text))`;
