import { BacktestCancelledError } from "../../src/backtest/engine/run-backtest.js";
import { serveBacktest } from "../../src/backtest/jobs/worker-main.js";

/**
 * A backtest worker for tests, speaking the real protocol (worker-main.ts) around a stand-in engine
 * that holds a run still, so a test can act while it is `running`: it reports half the candles done,
 * then waits until the cancel flag is set (and answers as the engine does) or the thread is
 * terminated (a timeout, a shutdown). Two starting-cash values ask for the ways a run can break.
 */
const nap = new Int32Array(new SharedArrayBuffer(4));

serveBacktest(async (spec, series, options = {}) => {
  if (spec.startingCash === "1313") {
    throw new Error("engine exploded near select * from candles where symbol = $1\n    at run (/srv/engine.ts:1:1)");
  }
  if (spec.startingCash === "1414") process.exit(3);
  const total = series.reduce((n, s) => n + s.time.length, 0);
  options.onProgress?.(total / 2, total);
  while (!options.isCancelled?.()) Atomics.wait(nap, 0, 0, 20);
  throw new BacktestCancelledError();
});
