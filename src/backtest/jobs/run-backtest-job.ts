import type { Database } from "../../db/client.js";
import {
  claimBacktest,
  completeBacktest,
  endBacktest,
  recordBacktestProgress,
  requeueBacktest,
  type BacktestEnd,
} from "../../db/repositories/backtests-repository.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { backtestFinishedEvent, type BacktestOutcome } from "../../notifications/events.js";
import type { Notifier } from "../../notifications/notifier.js";
import type { StoredSpec } from "../service/backtest-spec.js";
import type { BacktestSpec } from "../types.js";
import { loadCandleSeries } from "./load-candles.js";
import { loadReplaySignals } from "./load-replay.js";
import type { SeriesArrays, WorkerResult } from "./worker-protocol.js";
import { startBacktestWorker, type WorkerOutcome, type WorkerRun } from "./worker-thread.js";

export type JobRunnerDeps = {
  readonly database: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `<instance id>/<boot nonce>`: whose run a row is. */
  readonly runner: string;
  readonly workerUrl: URL;
  /** How often progress is written and the row's cancel flag read (about once a second). */
  readonly heartbeatMs: number;
  /** Queues a new job for a backtest a shutdown put back in the queue. */
  readonly resend: (backtestId: string) => Promise<void>;
  /** Told when a run ends (succeeded, failed, cancelled, timed out), right after the row says so. */
  readonly notifier?: Notifier | undefined;
};

/** cancel: a client asked. timeout: past its time. shutdown: the gateway is stopping. lost: the row is no longer ours. */
export type StopReason = "cancel" | "timeout" | "shutdown" | "lost";

export type ActiveRun = { stop(reason: StopReason): void };

/** The stored curve's size: about two points per pixel of the report's chart. */
export const MAX_EQUITY_POINTS = 2000;
/** A cancelled engine that has not stopped within this long is terminated. */
const CANCEL_GRACE_MS = 5000;

const INTERNAL_MESSAGE = "an internal error stopped the backtest; the gateway's log has the cause";

/**
 * Runs one queued backtest to its end, if it is still queued: claims the row, loads the candles
 * (and, for a replay, the recorded signals) on this thread in pages, runs the engine in a worker
 * thread, and writes the outcome. `active` holds it while it runs, so a cancel or a shutdown can
 * reach it. Never throws: every way it can end is written to the row.
 */
export async function runBacktestJob(deps: JobRunnerDeps, id: string, active: Map<string, ActiveRun>): Promise<void> {
  const { database, clock, logger, runner } = deps;
  const row = await claimBacktest(database.db, { id, runner, now: clock.now() });
  if (!row) return;

  let reason: StopReason | undefined;
  let worker: WorkerRun | undefined;
  const abort = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  const stop = (why: StopReason) => {
    // The first reason decides how the run ends; a later hard stop still ends the thread at once.
    reason ??= why;
    abort.abort();
    if (why === "cancel") {
      worker?.cancel();
      timers.push(setTimeout(() => worker?.terminate(), CANCEL_GRACE_MS));
    } else worker?.terminate();
  };
  active.set(id, { stop });

  const progress = { done: 0, total: 0 };
  let beating = false;
  const beat = async (candlesTotal?: number) => {
    if (beating) return;
    beating = true;
    try {
      const held = await recordBacktestProgress(database.db, {
        id,
        runner,
        progress: progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0,
        candlesProcessed: progress.done,
        ...(candlesTotal !== undefined ? { candlesTotal } : {}),
        now: clock.now(),
      });
      if (!held) stop("lost");
      else if (held.cancelRequested) stop("cancel");
    } catch (err) {
      logger.warn({ err, backtestId: id }, "recording backtest progress failed; will retry");
    } finally {
      beating = false;
    }
  };
  timers.push(setInterval(() => void beat(), deps.heartbeatMs));
  timers.push(setTimeout(() => stop("timeout"), row.timeoutSeconds * 1000));

  // The row's final write is its own transaction: the event follows it (publish never throws).
  const finished = (outcome: Omit<BacktestOutcome, "backtestId" | "strategyId">) =>
    deps.notifier?.publish([backtestFinishedEvent({ backtestId: id, strategyId: row.strategyId, ...outcome })]);
  const end = async (value: BacktestEnd) => {
    const now = clock.now();
    if (await endBacktest(database.db, { id, runner, now, end: value })) {
      await finished({ status: value.status, errorCode: value.errorCode ?? null, metrics: null, finishedAt: now });
    }
  };
  const endStopped = async (why: StopReason) => {
    if (why === "cancel") await end({ status: "cancelled" });
    else if (why === "timeout") await end({ status: "timed_out", errorMessage: `stopped after its timeout of ${row.timeoutSeconds} s` });
    else if (why === "shutdown") {
      if (await requeueBacktest(database.db, { id, runner })) await deps.resend(id);
    } else logger.warn({ backtestId: id }, "backtest was finished elsewhere while it ran here; its run is dropped");
  };

  try {
    const inputs = await loadInputs(deps, row, abort.signal);
    if ("missing" in inputs) return void (await end({ status: "failed", errorCode: "CANDLES_MISSING", errorMessage: inputs.missing }));
    progress.total = inputs.series.reduce((n, s) => n + s.time.length, 0);
    await beat(progress.total);
    if (reason) return void (await endStopped(reason));
    worker = startBacktestWorker({
      url: deps.workerUrl,
      spec: inputs.spec,
      series: inputs.series,
      progressEvery: Math.max(1000, Math.ceil(progress.total / 100)),
      maxEquityPoints: MAX_EQUITY_POINTS,
      onProgress: (done) => {
        progress.done = done;
      },
      onCrash: (err) => logger.error({ err, backtestId: id }, "backtest worker thread failed"),
    });
    const outcome = await worker.outcome;
    await settle(outcome);
  } catch (err) {
    if (reason && abort.signal.aborted && (err as Error)?.name === "AbortError") await endStopped(reason).catch((e: unknown) => logger.error({ err: e, backtestId: id }, "ending a stopped backtest failed"));
    else {
      logger.error({ err, backtestId: id }, "backtest failed");
      await end({ status: "failed", errorCode: "INTERNAL", errorMessage: INTERNAL_MESSAGE }).catch(() => {});
    }
  } finally {
    for (const timer of timers) clearTimeout(timer);
    active.delete(id);
  }

  async function settle(outcome: WorkerOutcome): Promise<void> {
    if (outcome.kind === "result") {
      // It finished: a stop that came too late to interrupt it does not throw the result away.
      const now = clock.now();
      const written = await completeBacktest(database.db, { id, runner, now, results: resultsOf(outcome.result) });
      if (written === undefined) logger.warn({ backtestId: id }, "backtest was finished elsewhere while it ran here; its result is dropped");
      else await finished({ status: written, errorCode: null, metrics: written === "succeeded" ? summaryOf(outcome.result) : null, finishedAt: now });
      return;
    }
    if (outcome.kind === "cancelled") return void (await end({ status: "cancelled" }));
    if (reason) return endStopped(reason);
    if (outcome.kind === "error") return void (await end({ status: "failed", errorCode: "ENGINE_ERROR", errorMessage: outcome.message }));
    logger.error({ backtestId: id, outcome }, "backtest worker died");
    await end({ status: "failed", errorCode: "WORKER_CRASHED", errorMessage: outcome.kind === "crashed" ? outcome.message : INTERNAL_MESSAGE });
  }
}

async function loadInputs(
  deps: JobRunnerDeps,
  row: BacktestRow,
  signal: AbortSignal,
): Promise<{ spec: BacktestSpec; series: SeriesArrays[] } | { missing: string }> {
  const stored = row.spec as StoredSpec;
  const source: BacktestSpec["source"] =
    stored.source.kind === "replay"
      ? { kind: "replay", signals: await loadReplaySignals(deps.database.db, { ...stored, strategyId: stored.source.strategyId, signal }) }
      : stored.source;
  const series: SeriesArrays[] = [];
  for (const symbol of stored.symbols) {
    const loaded = await loadCandleSeries(deps.database, { symbol, timeframe: stored.timeframe, from: stored.from, to: stored.to, signal });
    if (loaded.time.length === 0) {
      const range = `${new Date(stored.from).toISOString()} to ${new Date(stored.to).toISOString()}`;
      return { missing: `no ${stored.timeframe} candles for ${symbol} from ${range} (removed after the backtest was queued)` };
    }
    series.push(loaded);
  }
  return { spec: { ...stored, source }, series };
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
