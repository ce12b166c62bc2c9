import { Worker } from "node:worker_threads";
import type { SearchOptionsInput, SearchProgress, SearchResult } from "../research/search-parameters.js";
import type { BacktestSpec } from "../types.js";
import { CANCEL_SLOT, type CandleSource, type SeriesArrays, type WorkerInput, type WorkerMessage, type WorkerResult } from "./worker-protocol.js";

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

export type WorkerOutcome<R = WorkerResult> =
  | { readonly kind: "result"; readonly result: R }
  | { readonly kind: "cancelled" }
  /** `code`: a parameter search refused with a ResearchInputError once it ran. */
  | { readonly kind: "error"; readonly message: string; readonly code?: string | undefined }
  /** The thread died without answering (out of memory, a native crash, process.exit). */
  | { readonly kind: "crashed"; readonly message: string }
  /** Stopped from this side with `terminate`. */
  | { readonly kind: "terminated" };

export type WorkerRun<R = WorkerResult> = {
  readonly outcome: Promise<WorkerOutcome<R>>;
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
  /** Set instead of `series`: the worker reads the candles itself (PostgreSQL). */
  candleSource?: CandleSource | undefined;
  progressEvery: number;
  maxEquityPoints: number;
  onProgress: (done: number, total: number) => void;
  /** The thread's own error (its stack included): for the log, never for the client. */
  onCrash: (err: Error) => void;
}): WorkerRun {
  return spawn<WorkerResult>({
    url: input.url,
    what: "backtest",
    series: input.series,
    workerData: (cancelFlag) => ({
      kind: "backtest",
      spec: input.spec,
      series: input.series,
      candleSource: input.candleSource,
      cancelFlag,
      progressEvery: input.progressEvery,
      maxEquityPoints: input.maxEquityPoints,
    }),
    read: (message) => {
      if (message.type === "progress") input.onProgress(message.done, message.total);
      return message.type === "result" ? { result: message.result } : undefined;
    },
    onCrash: input.onCrash,
  });
}

/** Runs one parameter search in a new worker thread, on the same terms as a backtest. */
export function startSearchWorker(input: {
  url: URL;
  base: BacktestSpec;
  series: readonly SeriesArrays[];
  options: SearchOptionsInput;
  onProgress: (progress: SearchProgress) => void;
  onCrash: (err: Error) => void;
}): WorkerRun<SearchResult> {
  return spawn<SearchResult>({
    url: input.url,
    what: "parameter search",
    series: input.series,
    workerData: (cancelFlag) => ({ kind: "search", base: input.base, series: input.series, options: input.options, cancelFlag }),
    read: (message) => {
      if (message.type === "search_progress") input.onProgress(message.progress);
      return message.type === "search_result" ? { result: message.result } : undefined;
    },
    onCrash: input.onCrash,
  });
}

function spawn<R>(input: {
  url: URL;
  /** Names the job in a crash's message. */
  what: string;
  series: readonly SeriesArrays[];
  workerData: (cancelFlag: SharedArrayBuffer) => WorkerInput;
  /** Handles a progress message; answers the result when the message carries it. */
  read: (message: WorkerMessage) => { result: R } | undefined;
  onCrash: (err: Error) => void;
}): WorkerRun<R> {
  const cancelFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancelFlag);
  const transferList = input.series.flatMap((s) => [s.time, s.open, s.high, s.low, s.close, s.volume].map((a) => a.buffer as ArrayBuffer));
  const fromSource = input.url.pathname.endsWith(".ts");
  const worker = new Worker(fromSource ? tsxBootstrap(input.url) : input.url, { workerData: input.workerData(cancelFlag), transferList, eval: fromSource });
  let terminated = false;
  let settled: WorkerOutcome<R> | undefined;
  const outcome = new Promise<WorkerOutcome<R>>((resolve) => {
    const settle = (value: WorkerOutcome<R>) => {
      settled ??= value;
      resolve(settled);
    };
    worker.on("message", (message: WorkerMessage) => {
      const read = input.read(message);
      if (read) settle({ kind: "result", result: read.result });
      else if (message.type === "cancelled") settle({ kind: "cancelled" });
      else if (message.type === "error") settle({ kind: "error", message: message.message, code: message.code });
    });
    worker.on("error", (err: Error & { code?: string }) => {
      input.onCrash(err);
      const message = err.code === "ERR_WORKER_OUT_OF_MEMORY" ? `the ${input.what} ran out of memory` : `the ${input.what} worker crashed`;
      settle({ kind: "crashed", message });
    });
    worker.on("exit", () => settle(terminated ? { kind: "terminated" } : { kind: "crashed", message: `the ${input.what} worker exited without a result` }));
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
