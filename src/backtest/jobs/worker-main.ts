import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { downsampleCurve } from "../downsample.js";
import type { runBacktest } from "../engine/run-backtest.js";
import { searchParameters } from "../research/search-parameters.js";
import { CANCEL_SLOT, type BacktestWorkerInput, type SearchWorkerInput, type WorkerInput, type WorkerMessage } from "./worker-protocol.js";

export type RunBacktest = typeof runBacktest;
export type SearchParameters = typeof searchParameters;

const MAX_ERROR_LENGTH = 300;

/** The first line of an error's message, cut short: what a client may read (no stack, no internals). */
export function errorSummary(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = message.split("\n", 1)[0]?.trim() || "the engine stopped with an error";
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line;
}

/**
 * The body of a backtest worker thread: runs `run` over the candles in workerData and reports
 * progress, the result (equity already downsampled) or why it stopped, then lets the thread end.
 * The same thread serves parameter searches (workerData's `kind`), with `search`. Separate from the
 * entry file so a test can serve the same protocol around its own `run` and `search`.
 */
export function serveBacktest(run: RunBacktest, search: SearchParameters = searchParameters): void {
  const port = parentPort;
  if (!port) throw new Error("serveBacktest must run in a worker thread");
  const input = workerData as WorkerInput;
  if (input.kind === "search") serveSearch(port, input, search);
  else serveRun(port, input, run);
}

function serveRun(port: MessagePort, input: BacktestWorkerInput, run: RunBacktest): void {
  const flag = new Int32Array(input.cancelFlag);
  const post = (message: WorkerMessage) => port.postMessage(message);
  run(input.spec, input.series, {
    progressEvery: input.progressEvery,
    onProgress: (done, total) => post({ type: "progress", done, total }),
    isCancelled: () => Atomics.load(flag, CANCEL_SLOT) === 1,
  }).then(
    (result) => {
      const curve = downsampleCurve(result.equity.time, result.equity.equity, input.maxEquityPoints);
      post({
        type: "result",
        result: {
          trades: result.trades,
          equity: { time: curve.time, equity: curve.value },
          metrics: result.metrics,
          candles: result.candles,
          signals: result.signals,
          orders: result.orders,
          refusals: result.refusals,
          tradesHash: result.tradesHash,
        },
      });
    },
    (err: unknown) => post(failure(err)),
  );
}

function serveSearch(port: MessagePort, input: SearchWorkerInput, search: SearchParameters): void {
  const flag = new Int32Array(input.cancelFlag);
  const post = (message: WorkerMessage) => port.postMessage(message);
  search({
    ...input.options,
    base: input.base,
    series: input.series,
    onProgress: (progress) => post({ type: "search_progress", progress }),
    isCancelled: () => Atomics.load(flag, CANCEL_SLOT) === 1,
  }).then(
    (result) => post({ type: "search_result", result }),
    (err: unknown) => post(failure(err)),
  );
}

// By name: a test's run may throw the engine's (or research's) class from another module instance.
function failure(err: unknown): WorkerMessage {
  if (err instanceof Error && err.name === "BacktestCancelledError") return { type: "cancelled" };
  if (err instanceof Error && err.name === "ResearchInputError") return { type: "error", message: errorSummary(err), code: (err as Error & { code: string }).code };
  return { type: "error", message: errorSummary(err) };
}
