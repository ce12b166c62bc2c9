import { listBacktests } from "../../backtest/service/backtest-queries.js";
import type { Services } from "../../container.js";
import type { SignalTraceRows } from "../../db/repositories/trace-repository.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import type { SignalRow } from "../../db/schema/signals.js";
import { dec } from "../../domain/decimal.js";
import { getSignal, listSignals } from "../../ingest/signal-queries.js";
import { getTradingState, type TradingStateView } from "../../risk/trading-state-store.js";
import { listStrategies } from "../../strategy/strategy-service.js";
import { listAccounts, type AccountSummary } from "../../trading/account-queries.js";
import { getOrder, listOrders, type OrderWithFills } from "../../trading/order-queries.js";
import { listPositions } from "../../trading/position-queries.js";
import type { ValuedPosition } from "../../trading/valuation.js";

export const RECENT_ORDERS = 20;
export const RECENT_SIGNALS = 20;
export const RECENT_BACKTESTS = 10;
export const OPEN_POSITIONS_SHOWN = 100;

export type SignalWithTrace = { row: SignalRow; trace: SignalTraceRows | null };

export type DashboardData = {
  tradingState: TradingStateView;
  accounts: AccountSummary[];
  openPositions: { rows: ValuedPosition[]; more: boolean };
  orders: OrderWithFills[];
  signals: SignalWithTrace[];
  backtests: BacktestRow[];
  /** Strategy id → name, for every table that names a strategy. */
  strategyNames: ReadonlyMap<string, string>;
};

// Signals still waiting have caused nothing yet, and rejected deliveries never reach risk.
const TRACED = new Set(["processing", "processed", "failed"]);

/** Everything the page shows, read through the same services the REST routes use. */
export async function loadDashboard(services: Services): Promise<DashboardData> {
  const { trading, intake, backtests, strategies, tradingStates } = services;
  const [tradingState, accounts, positions, orderPage, signalPage, backtestPage, strategyList] = await Promise.all([
    getTradingState({ ctx: tradingStates, input: { scope: "global" } }),
    listAccounts({ ctx: trading }),
    listPositions({ ctx: trading, input: { status: "open", limit: OPEN_POSITIONS_SHOWN } }),
    listOrders({ ctx: trading, input: { limit: RECENT_ORDERS } }),
    listSignals({ ctx: intake, input: { limit: RECENT_SIGNALS } }),
    listBacktests({ ctx: backtests, input: { limit: RECENT_BACKTESTS } }),
    listStrategies({ ctx: strategies }),
  ]);
  // Fills only for orders that have some: most recent orders are often unfilled stops and targets.
  const orders = await Promise.all(
    orderPage.rows.map((order) => (dec(order.filledQuantity).isZero() ? { order, fills: [] } : getOrder({ ctx: trading, input: { id: order.id } }))),
  );
  const signals = await Promise.all(
    signalPage.rows.map(async (row) => ({ row, trace: TRACED.has(row.status) ? (await getSignal({ ctx: intake, input: { id: row.id } })).trace : null })),
  );
  return {
    tradingState,
    accounts,
    openPositions: { rows: positions.rows, more: positions.nextCursor !== null },
    orders,
    signals,
    backtests: backtestPage.rows,
    strategyNames: new Map(strategyList.map((s) => [s.id, s.name])),
  };
}
