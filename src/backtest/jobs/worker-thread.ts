import { Worker } from "node:worker_threads";
import type { BacktestSpec } from "../types.js";
import { CANCEL_SLOT, type SeriesArrays, type WorkerInput, type WorkerMessage, type WorkerResult } from "./worker-protocol.js";

/**
 * The worker's entry next to this module: compiled JS under dist/, or the TypeScript source when
 * the gateway runs from source (tsx, vitest), which the worker then loads through tsx as well.
 */
export function defaultWorkerUrl(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./backtest-worker.ts" : "./backtest-worker.js", import.meta.url);
}

/**
 * Loads a TypeScript entry through tsx's module hooks, registered inside the worker. On Node 20,
 * `execArgv: ["--import", "tsx"]` does not reach a worker's entry (ERR_UNKNOWN_FILE_EXTENSION), so
 * the worker starts from this snippet instead. Bare "tsx" resolves from the working directory: the
 * project root whenever the gateway runs from source (npm run dev, vitest). Never used under dist/.
 */
function tsxBootstrap(entry: URL): string {
  return `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}

export type WorkerOutcome =
  | { readonly kind: "result"; readonly result: WorkerResult }
  | { readonly kind: "cancelled" }
  | { readonly kind: "error"; readonly message: string }
  /** The thread died without answering (out of memory, a native crash, process.exit). */
  | { readonly kind: "crashed"; readonly message: string }
  /** Stopped from this side with `terminate`. */
  | { readonly kind: "terminated" };

export type WorkerRun = {
  readonly outcome: Promise<WorkerOutcome>;
  /** Asks the engine to stop at its next bar; it answers `cancelled`. */
  cancel(): void;
  /** Stops the thread now, wherever it is. */
  terminate(): void;
};

/**
 * Runs one backtest in a new worker thread. The candle arrays are transferred (this thread can no
 * longer read them), and cancelling is a flag in shared memory, so a busy engine loop sees it
 * without waiting for a message it has no time to read.
 */
export function startBacktestWorker(input: {
  url: URL;
  spec: BacktestSpec;
  series: readonly SeriesArrays[];
  progressEvery: number;
  maxEquityPoints: number;
  onProgress: (done: number, total: number) => void;
  /** The thread's own error (its stack included): for the log, never for the client. */
  onCrash: (err: Error) => void;
}): WorkerRun {
  const cancelFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancelFlag);
  const workerData: WorkerInput = {
    spec: input.spec,
    series: input.series,
    cancelFlag,
    progressEvery: input.progressEvery,
    maxEquityPoints: input.maxEquityPoints,
  };
  const transferList = input.series.flatMap((s) => [s.time, s.open, s.high, s.low, s.close, s.volume].map((a) => a.buffer as ArrayBuffer));
  const fromSource = input.url.pathname.endsWith(".ts");
  const worker = new Worker(fromSource ? tsxBootstrap(input.url) : input.url, { workerData, transferList, eval: fromSource });
  let terminated = false;
  let settled: WorkerOutcome | undefined;
  const outcome = new Promise<WorkerOutcome>((resolve) => {
    const settle = (value: WorkerOutcome) => {
      settled ??= value;
      resolve(settled);
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "progress") input.onProgress(message.done, message.total);
      else if (message.type === "result") settle({ kind: "result", result: message.result });
      else if (message.type === "cancelled") settle({ kind: "cancelled" });
      else settle({ kind: "error", message: message.message });
    });
    worker.on("error", (err: Error & { code?: string }) => {
      input.onCrash(err);
      const message = err.code === "ERR_WORKER_OUT_OF_MEMORY" ? "the backtest ran out of memory" : "the backtest worker crashed";
      settle({ kind: "crashed", message });
    });
    worker.on("exit", () => settle(terminated ? { kind: "terminated" } : { kind: "crashed", message: "the backtest worker exited without a result" }));
  });
  return {
    outcome,
    cancel: () => {
      Atomics.store(flag, CANCEL_SLOT, 1);
    },
    terminate: () => {
      terminated = true;
      void worker.terminate();
    },
  };
}
