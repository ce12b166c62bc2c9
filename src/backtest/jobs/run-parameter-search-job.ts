import {
  claimParameterSearch,
  completeParameterSearch,
  endParameterSearch,
  recordParameterSearchProgress,
  requeueParameterSearch,
  type ParameterSearchEnd,
  type SearchProgressColumns,
} from "../../db/repositories/parameter-searches-repository.js";
import type { ParameterSearchRow } from "../../db/schema/parameter-searches.js";
import type { SearchResult } from "../research/search-parameters.js";
import type { StoredSpec } from "../service/backtest-spec.js";
import { searchOptionsOf, type StoredSearchRequest } from "../service/parameter-search-spec.js";
import type { BacktestSpec } from "../types.js";
import { loadCandleSeries } from "./load-candles.js";
import type { ActiveRun, JobRunnerDeps, StopReason } from "./run-backtest-job.js";
import type { SeriesArrays } from "./worker-protocol.js";
import { startSearchWorker, type WorkerOutcome, type WorkerRun } from "./worker-thread.js";

/** A cancelled search that has not stopped within this long is terminated (a candidate runs to its next 50 000 bars). */
const CANCEL_GRACE_MS = 5000;

const INTERNAL_MESSAGE = "an internal error stopped the parameter search; the gateway's log has the cause";

/**
 * Runs one queued parameter search to its end, if it is still queued, as runBacktestJob runs a
 * backtest: claims the row, loads the candles here in pages, runs searchParameters in a worker
 * thread (progress by phase, the shared cancel flag), and writes the outcome. Never throws.
 */
export async function runParameterSearchJob(deps: JobRunnerDeps, id: string, active: Map<string, ActiveRun>): Promise<void> {
  const { database, clock, logger, runner } = deps;
  const row = await claimParameterSearch(database.db, { id, runner, now: clock.now() });
  if (!row) return;

  let reason: StopReason | undefined;
  let worker: WorkerRun<SearchResult> | undefined;
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

  let progress: SearchProgressColumns = { phase: null, done: 0, total: 0 };
  let beating = false;
  const beat = async () => {
    if (beating) return;
    beating = true;
    try {
      const held = await recordParameterSearchProgress(database.db, { id, runner, progress, now: clock.now() });
      if (!held) stop("lost");
      else if (held.cancelRequested) stop("cancel");
    } catch (err) {
      logger.warn({ err, parameterSearchId: id }, "recording parameter search progress failed; will retry");
    } finally {
      beating = false;
    }
  };
  timers.push(setInterval(() => void beat(), deps.heartbeatMs));
  timers.push(setTimeout(() => stop("timeout"), row.timeoutSeconds * 1000));

  const end = (value: ParameterSearchEnd) => endParameterSearch(database.db, { id, runner, now: clock.now(), end: value });
  const endStopped = async (why: StopReason) => {
    if (why === "cancel") await end({ status: "cancelled" });
    else if (why === "timeout") await end({ status: "timed_out", errorMessage: `stopped after its timeout of ${row.timeoutSeconds} s` });
    else if (why === "shutdown") {
      if (await requeueParameterSearch(database.db, { id, runner })) await deps.resend(id);
    } else logger.warn({ parameterSearchId: id }, "parameter search was finished elsewhere while it ran here; its run is dropped");
  };

  try {
    const inputs = await loadInputs(deps, row, abort.signal);
    if ("missing" in inputs) return void (await end({ status: "failed", errorCode: "CANDLES_MISSING", errorMessage: inputs.missing }));
    progress = { phase: "in_sample", done: 0, total: row.candidates };
    await beat();
    if (reason) return void (await endStopped(reason));
    worker = startSearchWorker({
      url: deps.workerUrl,
      base: inputs.base,
      series: inputs.series,
      options: searchOptionsOf(row.request as StoredSearchRequest),
      onProgress: (p) => {
        progress = { phase: p.phase, done: p.done, total: p.total };
      },
      onCrash: (err) => logger.error({ err, parameterSearchId: id }, "parameter search worker thread failed"),
    });
    await settle(await worker.outcome);
  } catch (err) {
    if (reason && abort.signal.aborted && (err as Error)?.name === "AbortError") {
      await endStopped(reason).catch((e: unknown) => logger.error({ err: e, parameterSearchId: id }, "ending a stopped parameter search failed"));
    } else {
      logger.error({ err, parameterSearchId: id }, "parameter search failed");
      await end({ status: "failed", errorCode: "INTERNAL", errorMessage: INTERNAL_MESSAGE }).catch(() => {});
    }
  } finally {
    for (const timer of timers) clearTimeout(timer);
    active.delete(id);
  }

  async function settle(outcome: WorkerOutcome<SearchResult>): Promise<void> {
    if (outcome.kind === "result") {
      // It finished: a stop that came too late to interrupt it does not throw the result away (a cancel still does).
      const { result } = outcome;
      const written = await completeParameterSearch(database.db, { id, runner, now: clock.now(), result, rankingHash: result.rankingHash, progress });
      if (written === undefined) logger.warn({ parameterSearchId: id }, "parameter search was finished elsewhere while it ran here; its result is dropped");
      return;
    }
    if (outcome.kind === "cancelled") return void (await end({ status: "cancelled" }));
    if (reason) return endStopped(reason);
    if (outcome.kind === "error") return void (await end({ status: "failed", errorCode: outcome.code ?? "ENGINE_ERROR", errorMessage: outcome.message }));
    logger.error({ parameterSearchId: id, outcome }, "parameter search worker died");
    await end({ status: "failed", errorCode: "WORKER_CRASHED", errorMessage: outcome.kind === "crashed" ? outcome.message : INTERNAL_MESSAGE });
  }
}

async function loadInputs(deps: JobRunnerDeps, row: ParameterSearchRow, signal: AbortSignal): Promise<{ base: BacktestSpec; series: SeriesArrays[] } | { missing: string }> {
  const stored = row.spec as StoredSpec;
  // A search's spec is always a built-in's (the route requires `strategy`); a replay has no params to vary.
  if (stored.source.kind !== "builtin") throw new Error(`parameter search ${row.id} has a ${stored.source.kind} source`);
  const series: SeriesArrays[] = [];
  for (const symbol of stored.symbols) {
    const loaded = await loadCandleSeries(deps.database, { symbol, timeframe: stored.timeframe, from: stored.from, to: stored.to, signal });
    if (loaded.time.length === 0) {
      const range = `${new Date(stored.from).toISOString()} to ${new Date(stored.to).toISOString()}`;
      return { missing: `no ${stored.timeframe} candles for ${symbol} from ${range} (removed after the search was queued)` };
    }
    series.push(loaded);
  }
  return { base: { ...stored, source: stored.source }, series };
}
