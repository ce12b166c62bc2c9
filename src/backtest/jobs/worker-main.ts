import { parentPort, workerData } from "node:worker_threads";
import { downsampleCurve } from "../downsample.js";
import type { runBacktest } from "../engine/run-backtest.js";
import { CANCEL_SLOT, type WorkerInput, type WorkerMessage } from "./worker-protocol.js";

export type RunBacktest = typeof runBacktest;

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
 * Separate from the entry file so a test can serve the same protocol around its own `run`.
 */
export function serveBacktest(run: RunBacktest): void {
  const port = parentPort;
  if (!port) throw new Error("serveBacktest must run in a worker thread");
  const input = workerData as WorkerInput;
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
    (err: unknown) => {
      // By name: a test's run may throw the engine's class from another module instance.
      if (err instanceof Error && err.name === "BacktestCancelledError") post({ type: "cancelled" });
      else post({ type: "error", message: errorSummary(err) });
    },
  );
}
