import type { Database } from "../../db/client.js";
import {
  claimBacktest,
  completeBacktest,
  endBacktest,
  recordBacktestProgress,
  requeueBacktest,
} from "../../db/repositories/backtests-repository.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import { backtestFinishedEvent, type BacktestOutcome } from "../../notifications/events.js";
import type { StoredSpec } from "../service/backtest-spec.js";
import type { BacktestSpec } from "../types.js";
import { loadSpecSeries } from "./load-candles.js";
import { loadReplaySignals } from "./load-replay.js";
import { runJob, type ActiveRun, type JobDefinition, type JobRunnerDeps } from "./run-job.js";
import type { SeriesArrays, WorkerResult } from "./worker-protocol.js";
import { startBacktestWorker } from "./worker-thread.js";

/** The stored curve's size: about two points per pixel of the report's chart. */
export const MAX_EQUITY_POINTS = 2000;

type Inputs = { spec: BacktestSpec; series: SeriesArrays[] };

/**
 * A backtest as runJob runs it: the candles (and, for a replay, the recorded signals) loaded here,
 * the engine in a worker thread, progress by candle, and every end told to the notifier.
 */
const BACKTEST_JOB: JobDefinition<BacktestRow, Inputs, WorkerResult> = {
  noun: "backtest",
  logKey: "backtestId",
  storesRefusalCodes: false,
  claim: claimBacktest,
  end: endBacktest,
  requeue: requeueBacktest,
  open: (deps, row) => {
    const { id } = row;
    const { database, runner } = deps;
    const progress = { done: 0, total: 0 };
    return {
      load: async (signal) => {
        const inputs = await loadInputs(database, row, signal);
        if (!("missing" in inputs)) progress.total = inputs.series.reduce((n, s) => n + s.time.length, 0);
        return inputs;
      },
      heartbeat: (now, loaded) =>
        recordBacktestProgress(database.db, {
          id,
          runner,
          progress: progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0,
          candlesProcessed: progress.done,
          ...(loaded ? { candlesTotal: progress.total } : {}),
          now,
        }),
      start: (inputs, onCrash) =>
        startBacktestWorker({
          url: deps.workerUrl,
          spec: inputs.spec,
          series: inputs.series,
          progressEvery: Math.max(1000, Math.ceil(progress.total / 100)),
          maxEquityPoints: MAX_EQUITY_POINTS,
          onProgress: (done) => {
            progress.done = done;
          },
          onCrash,
        }),
      complete: (result, now) => completeBacktest(database.db, { id, runner, now, results: resultsOf(result) }),
      // The row's final write is its own transaction: the event follows it (publish never throws).
      finished: async ({ status, errorCode, result, finishedAt }) =>
        deps.notifier?.publish([
          backtestFinishedEvent({
            backtestId: id,
            strategyId: row.strategyId,
            status,
            errorCode,
            metrics: status === "succeeded" && result ? summaryOf(result) : null,
            finishedAt,
          }),
        ]),
    };
  },
};

/** Runs one queued backtest to its end, if it is still queued (see runJob). Never throws. */
export const runBacktestJob = (deps: JobRunnerDeps, id: string, active: Map<string, ActiveRun>) => runJob(BACKTEST_JOB, deps, id, active);

async function loadInputs(database: Database, row: BacktestRow, signal: AbortSignal): Promise<Inputs | { missing: string }> {
  const stored = row.spec as StoredSpec;
  const source: BacktestSpec["source"] =
    stored.source.kind === "replay"
      ? { kind: "replay", signals: await loadReplaySignals(database.db, { ...stored, strategyId: stored.source.strategyId, signal }) }
      : stored.source;
  const series = await loadSpecSeries(database, stored, signal, "backtest");
  return "missing" in series ? series : { spec: { ...stored, source }, series };
}

function summaryOf({ metrics: m }: WorkerResult): BacktestOutcome["metrics"] {
  return { totalReturn: m.totalReturn, maxDrawdown: m.maxDrawdown, trades: m.trades, finalEquity: m.finalEquity, profitFactor: m.profitFactor, sharpe: m.sharpe };
}

function resultsOf(result: WorkerResult) {
  return {
    metrics: result.metrics,
    summary: { candles: result.candles, signals: result.signals, orders: result.orders, refusals: result.refusals },
    tradesHash: result.tradesHash,
    candlesProcessed: result.candles,
    trades: result.trades.map((t) => ({ ...t, entryTime: new Date(t.entryTime), exitTime: new Date(t.exitTime) })),
    equity: result.equity,
  };
}
