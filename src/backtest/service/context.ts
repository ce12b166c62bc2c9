import type { Db } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import type { IdSource } from "../../lib/ids.js";

/** What the service needs from the job queue; src/backtest/jobs implements it with pg-boss. */
export type BacktestJobsPort = {
  /** Queues a backtest's job inside the transaction that inserts its row, so neither exists without the other. */
  enqueue(tx: Db, backtestId: string): Promise<void>;
  /** After the commit: an idle local worker looks now instead of at its next poll. */
  wake(): void;
  /** Stops the run at once if this instance is running it; others see the row's flag at their next heartbeat. */
  cancelLocal(backtestId: string): void;
  /** Parameter searches: the same workers, on their own queue. */
  readonly searches: {
    enqueue(tx: Db, searchId: string): Promise<void>;
    cancelLocal(searchId: string): void;
  };
};

export type BacktestContext = {
  readonly db: Db;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly limits: {
    readonly timeoutSeconds: number;
    readonly maxCandles: number;
    /** RESEARCH_MAX_CANDLE_RUNS: candles × candidates one parameter search may run. */
    readonly maxCandleRuns: number;
  };
  readonly jobs: BacktestJobsPort;
};
