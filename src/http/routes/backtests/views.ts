import type { StoredRequest } from "../../../backtest/service/backtest-spec.js";
import type { BacktestErrorCode, BacktestStatus } from "../../../backtest/service/backtest-status.js";
import type { BacktestMetrics, ExitReason } from "../../../backtest/types.js";
import type { BacktestTradeRow } from "../../../db/schema/backtest-trades.js";
import type { BacktestRow } from "../../../db/schema/backtests.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The public shape of a backtest: the resolved spec, the runner and the heartbeat stay internal. */
export function backtestView(row: BacktestRow) {
  const request = row.request as StoredRequest;
  return {
    id: row.id,
    status: row.status as BacktestStatus,
    strategyId: row.strategyId,
    progress: row.progress,
    candlesProcessed: row.candlesProcessed,
    candlesTotal: row.candlesTotal,
    request: { ...request, from: new Date(request.from).toISOString(), to: new Date(request.to).toISOString() },
    metrics: row.metrics as BacktestMetrics | null,
    summary: row.summary as { candles: number; signals: number; orders: number; refusals: Record<string, number> } | null,
    tradesCount: row.tradesCount,
    tradesHash: row.tradesHash,
    error: row.errorCode || row.errorMessage ? { code: row.errorCode as BacktestErrorCode | null, message: row.errorMessage } : null,
    cancelRequested: row.cancelRequested,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function backtestTradeView(row: BacktestTradeRow) {
  return {
    seq: row.seq,
    symbol: row.symbol,
    side: row.side as "long" | "short",
    quantity: row.quantity,
    entryTime: row.entryTime.toISOString(),
    entryPrice: row.entryPrice,
    exitTime: row.exitTime.toISOString(),
    exitPrice: row.exitPrice,
    realizedPnl: row.realizedPnl,
    fees: row.fees,
    netPnl: row.netPnl,
    exitReason: row.exitReason as ExitReason,
    bars: row.bars,
  };
}
