import type { Database } from "../db/client.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { startSignalWorkers, type SignalHandler, type SignalWorkers } from "./queue/signal-worker.js";

/**
 * The hand-off point between ingestion and processing. Built with the container, started by main
 * (and the test harness) once migrations are applied; ingestion calls `wake` after each commit.
 */
export type SignalProcessing = {
  start(): Promise<void>;
  stop(): Promise<void>;
  wake(lanes?: readonly string[]): void;
};

export function createSignalProcessing(options: {
  database: Database;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  concurrency: number;
  leaseMs: number;
  handler: SignalHandler;
  /** Runs once before the first worker starts (for example, creating the paper account). */
  beforeStart?: () => Promise<void>;
  /** Timers that run beside the workers (the limit fallback sweep): started after them, stopped before them. */
  background?: ReadonlyArray<{ start(): void; stop(): Promise<void> }>;
}): SignalProcessing {
  let workers: SignalWorkers | undefined;
  return {
    start: async () => {
      if (workers) return;
      await options.beforeStart?.();
      workers = await startSignalWorkers(options);
      for (const task of options.background ?? []) task.start();
    },
    stop: async () => {
      await Promise.all((options.background ?? []).map((task) => task.stop()));
      await workers?.stop();
      workers = undefined;
    },
    wake: (lanes) => workers?.wake(lanes),
  };
}
