import { runBacktest } from "../engine/run-backtest.js";
import { serveBacktest } from "./worker-main.js";

// The worker thread's entry: see worker-thread.ts, which starts it, and worker-main.ts.
serveBacktest(runBacktest);
