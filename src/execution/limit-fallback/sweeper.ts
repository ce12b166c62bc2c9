import { waitAtMost } from "../../lib/wait-at-most.js";
import type { TradingContext } from "../../trading/context.js";
import { sweepTimedOutLimits, type FallbackResult } from "./sweep.js";

// How long a stop waits for a sweep in progress (one stuck on a vanished database would never end).
const STOP_WAIT_MS = 5000;

export type LimitFallbackSweeper = {
  /** Starts the timer (not when intervalMs is 0); idempotent. */
  start(): void;
  /** Stops the timer and waits for a sweep in progress, so the database can close after it. */
  stop(): Promise<void>;
  /**
   * One sweep now, after any sweep in progress: tests drive it with an injected clock instead of
   * waiting for the timer.
   */
  sweepOnce(): Promise<FallbackResult[]>;
};

/**
 * Runs the limit fallback sweep on its own unref'd timer, off the signal path. Sweeps in one process
 * never overlap (a tick finding one in progress is skipped); across instances the sweep's symbol
 * lock and deterministic client order ids keep each order's fallback to one.
 */
export function createLimitFallbackSweeper(options: {
  ctx: TradingContext;
  intervalMs: number;
  /** The exchange accounts' sweep (live-sweep.ts), when there are any: after the paper one, in the same pass. */
  live?: (() => Promise<FallbackResult[]>) | undefined;
}): LimitFallbackSweeper {
  const { ctx, intervalMs, live } = options;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let tail: Promise<unknown> = Promise.resolve();

  const sweepOnce = (): Promise<FallbackResult[]> => {
    const run = tail.then(async () => {
      busy = true;
      try {
        const paper = await sweepTimedOutLimits(ctx);
        return live ? [...paper, ...(await live())] : paper;
      } finally {
        busy = false;
      }
    });
    tail = run.catch(() => undefined);
    return run;
  };

  return {
    start: () => {
      if (timer || intervalMs === 0) return;
      timer = setInterval(() => {
        if (busy) return;
        sweepOnce().catch((err: unknown) => ctx.logger.warn({ err }, "limit fallback sweep failed; will retry"));
      }, intervalMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      timer = undefined;
      // A sweep stuck on a vanished database must not hold a shutdown; the next start sweeps again.
      if (!(await waitAtMost(tail, STOP_WAIT_MS))) ctx.logger.warn({ waitedMs: STOP_WAIT_MS }, "limit fallback sweep still running at shutdown");
    },
    sweepOnce,
  };
}
