import { BacktestCancelledError, runBacktest } from "../../src/backtest/engine/run-backtest.js";
import { serveBacktest } from "../../src/backtest/jobs/worker-main.js";

/**
 * A worker for tests, speaking the real protocol (worker-main.ts): backtests run on the real engine,
 * while a parameter search is held still so a test can act on it while it is `running`. It reports
 * its first candidate done, then waits until the cancel flag is set (and answers as the search does)
 * or the thread is terminated (a timeout, a shutdown).
 */
const nap = new Int32Array(new SharedArrayBuffer(4));

serveBacktest(runBacktest, async (input) => {
  input.onProgress?.({ phase: "in_sample", done: 1, total: 4 });
  while (!input.isCancelled?.()) Atomics.wait(nap, 0, 0, 20);
  throw new BacktestCancelledError();
});
