import type { Logger } from "./logger.js";
import { waitAtMost } from "./wait-at-most.js";

// How long a stop waits for a pass in progress (one stuck on a vanished database would never end).
const STOP_WAIT_MS = 5000;

export type PeriodicPass<T> = {
  /** Starts the timer (not when intervalMs is 0); idempotent. */
  start(): void;
  /** Stops the timer and waits for a pass in progress, so the database can close after it. */
  stop(): Promise<void>;
  /** One pass now, after any pass in progress: tests drive passes this way instead of waiting for the timer. */
  runOnce(): Promise<T>;
};

/**
 * Background work on its own unref'd timer, off the request and signal paths. Passes in one process
 * never overlap: a tick that finds one in progress is skipped, and `runOnce` queues behind it. A
 * pass that throws is logged as `<what> failed; will retry`, and the next tick tries again.
 */
export function createPeriodicPass<T>(options: { what: string; intervalMs: number; logger: Logger; run: () => Promise<T> }): PeriodicPass<T> {
  const { what, intervalMs, logger, run } = options;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let tail: Promise<unknown> = Promise.resolve();

  const runOnce = (): Promise<T> => {
    const pass = tail.then(async () => {
      busy = true;
      try {
        return await run();
      } finally {
        busy = false;
      }
    });
    tail = pass.catch(() => undefined);
    return pass;
  };

  return {
    start: () => {
      if (timer || intervalMs === 0) return;
      timer = setInterval(() => {
        if (busy) return;
        runOnce().catch((err: unknown) => logger.warn({ err }, `${what} failed; will retry`));
      }, intervalMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      timer = undefined;
      // A pass stuck on a vanished database must not hold a shutdown; the next start runs again.
      if (!(await waitAtMost(tail, STOP_WAIT_MS))) logger.warn({ waitedMs: STOP_WAIT_MS }, `${what} still running at shutdown`);
    },
    runOnce,
  };
}
