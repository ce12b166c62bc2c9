import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { downsampleCurve } from "../downsample.js";
import type { runBacktest } from "../engine/run-backtest.js";
import { searchParameters } from "../research/search-parameters.js";
import { postgresConnection } from "../../db/postgres-url.js";
import { lowerThreadPriority } from "../../lib/thread-priority.js";
import { loadSpecSeries } from "./load-candles.js";
import { CANCEL_SLOT, type BacktestWorkerInput, type CandleSource, type SearchWorkerInput, type SeriesArrays, type WorkerInput, type WorkerMessage } from "./worker-protocol.js";

export type RunBacktest = typeof runBacktest;
export type SearchParameters = typeof searchParameters;

const MAX_ERROR_LENGTH = 300;
/** The lowest priority: a backtest only ever uses CPU nothing else wants. */
const WORKER_NICE = 19;

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
  // Research runs after trading: the event loop (webhooks) and the database get the CPU first.
  lowerThreadPriority(WORKER_NICE);
  const input = workerData as WorkerInput;
  if (input.kind === "search") serveSearch(port, input, search);
  else serveRun(port, input, run);
}

function serveRun(port: MessagePort, input: BacktestWorkerInput, run: RunBacktest): void {
  const flag = new Int32Array(input.cancelFlag);
  const post = (message: WorkerMessage) => port.postMessage(message);
  const series = input.candleSource ? loadFromSource(input.candleSource, flag) : Promise.resolve(input.series);
  series
    .then((loaded) =>
      run(input.spec, loaded, {
        progressEvery: input.progressEvery,
        onProgress: (done, total) => post({ type: "progress", done, total }),
        isCancelled: () => Atomics.load(flag, CANCEL_SLOT) === 1,
      }),
    )
    .then(
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
/** The candles, read in this thread over a connection of its own; a cancel stops it between pages. */
async function loadFromSource(source: CandleSource, flag: Int32Array): Promise<SeriesArrays[]> {
  const { default: postgres } = await import("postgres");
  const { url, ...address } = postgresConnection(source.url);
  const client = postgres(url, { ...address, max: 1, onnotice: () => {} });
  const database = {
    query: async <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) =>
      (await client.unsafe(text, params as never[], { prepare: true })) as unknown as T[],
  };
  const controller = new AbortController();
  const watch = setInterval(() => {
    if (Atomics.load(flag, CANCEL_SLOT) === 1) controller.abort();
  }, 50);
  try {
    const loaded = await loadSpecSeries(database, source, controller.signal, "backtest");
    if ("missing" in loaded) throw new Error(loaded.missing);
    return loaded;
  } finally {
    clearInterval(watch);
    await client.end({ timeout: 1 });
  }
}

function failure(err: unknown): WorkerMessage {
  if (err instanceof Error && (err.name === "BacktestCancelledError" || err.name === "AbortError")) return { type: "cancelled" };
  if (err instanceof Error && err.name === "ResearchInputError") return { type: "error", message: errorSummary(err), code: (err as Error & { code: string }).code };
  return { type: "error", message: errorSummary(err) };
}
