import { tradeOf } from "../../../backtest/service/backtest-report.js";
import type { StoredRequest } from "../../../backtest/service/backtest-spec.js";
import type { BacktestErrorCode, BacktestStatus } from "../../../backtest/service/backtest-status.js";
import type { BacktestMetrics } from "../../../backtest/types.js";
import type { BacktestTradeRow } from "../../../db/schema/backtest-trades.js";
import type { BacktestRow } from "../../../db/schema/backtests.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const isoMs = (ms: number) => new Date(ms).toISOString();

/** The columns a job's view reads from either kind's row (see schema/job-columns.ts). */
type JobViewRow = Pick<BacktestRow, "id" | "status" | "strategyId" | "errorCode" | "errorMessage" | "cancelRequested" | "createdAt" | "startedAt" | "finishedAt">;

/** jobHeadShape's fields. */
export const jobHeadView = (row: JobViewRow) => ({ id: row.id, status: row.status as BacktestStatus, strategyId: row.strategyId });

/** jobEndShape's fields; `Code`: the kind's error codes. */
export function jobEndView<Code extends string>(row: JobViewRow) {
  return {
    error: row.errorCode || row.errorMessage ? { code: row.errorCode as Code | null, message: row.errorMessage } : null,
    cancelRequested: row.cancelRequested,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

/** A stored request as echoed: its range's instants as ISO 8601. */
export function requestView<R extends { from: number; to: number }>(request: R): Omit<R, "from" | "to"> & { from: string; to: string } {
  return { ...request, from: isoMs(request.from), to: isoMs(request.to) };
}

/** The public shape of a backtest: the resolved spec, the runner and the heartbeat stay internal. */
export function backtestView(row: BacktestRow) {
  return {
    ...jobHeadView(row),
    progress: row.progress,
    candlesProcessed: row.candlesProcessed,
    candlesTotal: row.candlesTotal,
    request: requestView(row.request as StoredRequest),
    metrics: row.metrics as BacktestMetrics | null,
    summary: row.summary as { candles: number; signals: number; orders: number; refusals: Record<string, number> } | null,
    tradesCount: row.tradesCount,
    tradesHash: row.tradesHash,
    ...jobEndView<BacktestErrorCode>(row),
  };
}

/** The engine's trade (see tradeOf), its times as ISO 8601, with its position in the backtest. */
export function backtestTradeView(row: BacktestTradeRow) {
  return { seq: row.seq, ...tradeOf(row), entryTime: row.entryTime.toISOString(), exitTime: row.exitTime.toISOString() };
}
