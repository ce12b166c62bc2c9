import type { Database } from "../../db/client.js";
import { hasCandlesIn } from "../../db/repositories/backtest-inputs-repository.js";
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
import type { CandleSource, SeriesArrays, WorkerResult } from "./worker-protocol.js";
import { startBacktestWorker } from "./worker-thread.js";

/** The stored curve's size: about two points per pixel of the report's chart. */
export const MAX_EQUITY_POINTS = 2000;

type Inputs = { spec: BacktestSpec; series: SeriesArrays[]; candleSource?: CandleSource | undefined };

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
        const inputs = await loadInputs(database, row, signal, deps.candleSourceUrl);
        if (!("missing" in inputs)) progress.total = inputs.series.reduce((n, s) => n + s.time.length, 0);
        return inputs;
      },
      heartbeat: (now, loaded) =>
        recordBacktestProgress(database.db, {
          id,
          runner,
          progress: progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0,
          candlesProcessed: progress.done,
          // A worker that reads its own candles tells the total with its first progress.
          ...(loaded || progress.total > 0 ? { candlesTotal: progress.total } : {}),
          now,
        }),
      start: (inputs, onCrash) =>
        startBacktestWorker({
          url: deps.workerUrl,
          spec: inputs.spec,
          series: inputs.series,
          candleSource: inputs.candleSource,
          progressEvery: inputs.candleSource ? 20_000 : Math.max(1000, Math.ceil(progress.total / 100)),
          maxEquityPoints: MAX_EQUITY_POINTS,
          onProgress: (done, total) => {
            progress.done = done;
            progress.total = total;
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

/**
 * The replay's signals, and the candles: read here, or, given a PostgreSQL URL, only checked here
 * and read by the worker over its own connection (half a million rows cost the event loop seconds).
 */
async function loadInputs(database: Database, row: BacktestRow, signal: AbortSignal, candleSourceUrl: string | undefined): Promise<Inputs | { missing: string }> {
  const stored = row.spec as StoredSpec;
  const source: BacktestSpec["source"] =
    stored.source.kind === "replay"
      ? { kind: "replay", signals: await loadReplaySignals(database.db, { ...stored, strategyId: stored.source.strategyId, signal }) }
      : stored.source;
  const spec = { ...stored, source };
  if (candleSourceUrl) {
    const missing = await missingCandles(database, stored);
    return missing ? { missing } : { spec, series: [], candleSource: { url: candleSourceUrl, symbols: stored.symbols, timeframe: stored.timeframe, from: stored.from, to: stored.to } };
  }
  const series = await loadSpecSeries(database, stored, signal, "backtest");
  return "missing" in series ? series : { spec, series };
}

async function missingCandles(database: Database, spec: StoredSpec): Promise<string | undefined> {
  for (const symbol of spec.symbols) {
    if (await hasCandlesIn(database.db, { symbol, timeframe: spec.timeframe, from: new Date(spec.from), to: new Date(spec.to) })) continue;
    const range = `${new Date(spec.from).toISOString()} to ${new Date(spec.to).toISOString()}`;
    return `no ${spec.timeframe} candles for ${symbol} from ${range} (removed after the backtest was queued)`;
  }
  return undefined;
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
