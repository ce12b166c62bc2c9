import type { RawQuery } from "../raw-query.js";
import type { NewBacktestTradeRow } from "../schema/backtest-trades.js";

// One statement per table, the rows as one JSON text: drizzle's insert builder spends about 100 µs a
// row assembling a many-row statement, on the event loop that answers webhooks (a 2,000-trade
// backtest blocked it for over 200 ms), where JSON.stringify is native and PostgreSQL parses the rest.
const INSERT_TRADES = `insert into backtest_trades (
  backtest_id, seq, symbol, side, quantity, entry_time, entry_price, exit_time, exit_price, realized_pnl, fees, net_pnl, exit_reason, bars
)
select $1, r.seq, r.symbol, r.side, r.quantity, r.entry_time, r.entry_price, r.exit_time, r.exit_price, r.realized_pnl, r.fees,
  r.net_pnl, r.exit_reason, r.bars
from jsonb_to_recordset($2::text::jsonb) as r(
  seq int, symbol text, side text, quantity numeric, entry_time timestamptz, entry_price numeric, exit_time timestamptz,
  exit_price numeric, realized_pnl numeric, fees numeric, net_pnl numeric, exit_reason text, bars int
)`;

// Times as epoch milliseconds and equity as a double, exactly as the engine produced them.
const INSERT_EQUITY = `insert into backtest_equity (backtest_id, seq, time, equity)
select $1, r.seq, to_timestamp(r.t / 1000.0), r.e
from jsonb_to_recordset($2::text::jsonb) as r(seq int, t double precision, e double precision)`;

type TradeInput = Omit<NewBacktestTradeRow, "backtestId" | "seq">;

/** Every trade (money as exact text) and equity point of a finished backtest, `seq` from 0 in the given order. */
export async function insertBacktestResults(
  query: RawQuery,
  backtestId: string,
  trades: ReadonlyArray<TradeInput>,
  equity: { time: ArrayLike<number>; equity: ArrayLike<number> },
): Promise<void> {
  const tradeRows = trades.map((t, seq) => ({
    seq,
    symbol: t.symbol,
    side: t.side,
    quantity: t.quantity,
    entry_time: t.entryTime.toISOString(),
    entry_price: t.entryPrice,
    exit_time: t.exitTime.toISOString(),
    exit_price: t.exitPrice,
    realized_pnl: t.realizedPnl,
    fees: t.fees,
    net_pnl: t.netPnl,
    exit_reason: t.exitReason,
    bars: t.bars,
  }));
  const points = Array.from({ length: equity.time.length }, (_, seq) => ({ seq, t: equity.time[seq] as number, e: equity.equity[seq] as number }));
  await Promise.all([
    tradeRows.length > 0 ? query(INSERT_TRADES, [backtestId, JSON.stringify(tradeRows)]) : undefined,
    points.length > 0 ? query(INSERT_EQUITY, [backtestId, JSON.stringify(points)]) : undefined,
  ]);
}
