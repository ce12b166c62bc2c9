import type { Fill } from "../../domain/order.js";
import type { RawQuery } from "../raw-query.js";
import type { StoredOrder, StoredPosition } from "./trading-repository.js";

/**
 * The writes that book an order on the paper venue, as prepared statements. Each returns the
 * query's promise without waiting on another, so a caller inside a transaction can issue them
 * together and postgres.js pipelines them on the transaction's connection: one round trip for the
 * whole booking. Timestamps travel as ISO text and JSON as text, the same on both drivers.
 */

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const INSERT_ORDER = `insert into orders (
  id, client_order_id, account_id, strategy_id, signal_id, leg, symbol, side, kind, role, quantity,
  limit_price, stop_price, reduce_only, parent_order_id, stop_loss_price, take_profit_price, status,
  filled_quantity, average_fill_price, venue_order_id, reject_reason, created_at, updated_at
) values (
  $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::numeric,
  $12::numeric, $13::numeric, $14::boolean, $15, $16::numeric, $17::numeric, $18,
  $19::numeric, $20::numeric, $21, $22, $23::timestamptz, $24::timestamptz
) on conflict (client_order_id) do nothing
returning id`;

/** Resolves to false when the client order id already had an order (nothing was inserted). */
export async function insertOrderRow(query: RawQuery, o: StoredOrder): Promise<boolean> {
  const rows = await query(INSERT_ORDER, [
    o.id,
    o.clientOrderId,
    o.accountId,
    o.strategyId,
    o.signalId,
    o.leg,
    o.symbol,
    o.side,
    o.kind,
    o.role,
    o.quantity,
    o.limitPrice,
    o.stopPrice,
    o.reduceOnly,
    o.parentOrderId,
    o.stopLossPrice,
    o.takeProfitPrice,
    o.status,
    o.filledQuantity,
    o.averageFillPrice,
    o.venueOrderId,
    o.rejectReason,
    iso(o.createdAt),
    iso(o.updatedAt),
  ]);
  return rows.length === 1;
}

const INSERT_FILL = `insert into fills (
  id, order_id, account_id, strategy_id, position_id, symbol, side, quantity, price, fee, liquidity,
  realized_pnl, filled_at
) values ($1, $2, $3, $4, $5, $6, $7, $8::numeric, $9::numeric, $10::numeric, $11, $12::numeric, $13::timestamptz)`;

export function insertFillRow(query: RawQuery, fill: Fill, positionId: string, realizedPnl: string): Promise<unknown> {
  return query(INSERT_FILL, [
    fill.id,
    fill.orderId,
    fill.accountId,
    fill.strategyId,
    positionId,
    fill.symbol,
    fill.side,
    fill.quantity,
    fill.price,
    fill.fee,
    fill.liquidity,
    realizedPnl,
    iso(fill.filledAt),
  ]);
}

const SAVE_POSITION = `insert into positions (
  id, account_id, strategy_id, symbol, opening_fill_id, contract_size, quantity, average_entry_price,
  cost_basis, realized_pnl, fees, status, opened_at, closed_at, updated_at
) values (
  $1, $2, $3, $4, $5, $6::numeric, $7::numeric, $8::numeric, $9::numeric, $10::numeric, $11::numeric, $12,
  $13::timestamptz, $14::timestamptz, $15::timestamptz
) on conflict (id) do update set
  quantity = excluded.quantity, average_entry_price = excluded.average_entry_price,
  cost_basis = excluded.cost_basis, realized_pnl = excluded.realized_pnl, fees = excluded.fees,
  status = excluded.status, closed_at = excluded.closed_at, updated_at = excluded.updated_at`;

export function savePositionRow(query: RawQuery, p: StoredPosition): Promise<unknown> {
  return query(SAVE_POSITION, [
    p.id,
    p.accountId,
    p.strategyId,
    p.symbol,
    p.openingFillId,
    p.contractSize,
    p.quantity,
    p.averageEntryPrice,
    p.costBasis,
    p.realizedPnl,
    p.fees,
    p.status,
    iso(p.openedAt),
    iso(p.closedAt),
    iso(p.updatedAt),
  ]);
}

// A day's fills per symbol (account_daily_flows), added by exact deltas; $7 is a JSON array of
// {symbol, quantity, cost} with the decimals as strings, so one statement takes any number of symbols.
const ADD_FLOWS = `flows as (
  insert into account_daily_flows (account_id, day, symbol, quantity, cost)
  select $1, $5::date, f.symbol, f.quantity, f.cost
  from json_to_recordset($7::text::json) as f(symbol text, quantity numeric, cost numeric)
  on conflict (account_id, day, symbol) do update set
    quantity = account_daily_flows.quantity + excluded.quantity, cost = account_daily_flows.cost + excluded.cost
)`;

export type DayFlowDelta = { symbol: string; quantity: string; cost: string };

// Exact deltas added in SQL, so lanes booking on one account at once add up: the account's cash
// and fees, and the day's figures the daily-loss check reads. The account's update is skipped when
// $2 is null: the second day's statement of a booking whose fills span midnight.
const ADD_TO_ACCOUNT_AND_DAY = `with account as (
  update accounts set cash = cash + $2::numeric, fees = fees + $3::numeric, updated_at = $4::timestamptz where id = $1 and $2::numeric is not null
), ${ADD_FLOWS}
insert into account_daily_pnl (account_id, day, realized_pnl, fees)
values ($1, $5::date, $6::numeric, $8::numeric)
on conflict (account_id, day) do update set
  realized_pnl = account_daily_pnl.realized_pnl + excluded.realized_pnl, fees = account_daily_pnl.fees + excluded.fees`;

/**
 * One day of an account's fills as one statement: the account's cash and fees (unless `account` is
 * null: another day's statement carries them), the day's realized PnL and fees, and its flows.
 * `day` is the fills' UTC date, YYYY-MM-DD.
 */
export function addToAccountAndDayRows(
  query: RawQuery,
  change: {
    accountId: string;
    account: { cashDelta: string; feeDelta: string } | null;
    at: Date;
    day: string;
    realizedDelta: string;
    dayFeeDelta: string;
    flows: readonly DayFlowDelta[];
  },
): Promise<unknown> {
  const { account } = change;
  return query(ADD_TO_ACCOUNT_AND_DAY, [
    change.accountId,
    account?.cashDelta ?? null,
    account?.feeDelta ?? "0",
    iso(change.at),
    change.day,
    change.realizedDelta,
    JSON.stringify(change.flows),
    change.dayFeeDelta,
  ]);
}

// No orphans: once a position is flat, its working stop-loss and take-profit orders go, and so do
// signals' reduce-only exits still resting (a limit exit the stop beat): left working, they would
// close the lane's next position, which no signal asked to exit. SimBook.cancelProtection matches.
const CANCEL_PROTECTION = `update orders set status = 'cancelled', updated_at = $4::timestamptz
where account_id = $1 and symbol = $3 and strategy_id = $2
  and (role in ('stop_loss', 'take_profit') or (role = 'exit' and reduce_only))
  and status in ('submitted', 'partially_filled')`;

export function cancelProtectionRows(query: RawQuery, key: { accountId: string; strategyId: string; symbol: string }, at: Date): Promise<unknown> {
  return query(CANCEL_PROTECTION, [key.accountId, key.strategyId, key.symbol, iso(at)]);
}

const INSERT_DECISION = `insert into risk_decisions (
  id, signal_id, strategy_id, account_id, symbol, leg, outcome, reason, limit_text, order_id, request, checks, created_at
) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb, $12::text::jsonb, $13::timestamptz)`;

export type DecisionRow = {
  id: string;
  signalId: string | null;
  strategyId: string;
  accountId: string;
  symbol: string;
  leg: number;
  outcome: string;
  reason: string | null;
  limitText: string | null;
  orderId: string | null;
  request: unknown;
  checks: unknown;
  createdAt: Date;
};

export function insertDecisionRow(query: RawQuery, d: DecisionRow): Promise<unknown> {
  return query(INSERT_DECISION, [
    d.id,
    d.signalId,
    d.strategyId,
    d.accountId,
    d.symbol,
    d.leg,
    d.outcome,
    d.reason,
    d.limitText,
    d.orderId,
    JSON.stringify(d.request),
    JSON.stringify(d.checks),
    iso(d.createdAt),
  ]);
}
