import { createPeriodicPass } from "../../lib/periodic-pass.js";
import type { TradingContext } from "../../trading/context.js";
import { sweepTimedOutLimits, type FallbackResult } from "./sweep.js";

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
 * Runs the limit fallback sweep as a periodic pass, off the signal path. Across instances the
 * sweep's symbol lock and deterministic client order ids keep each order's fallback to one.
 */
export function createLimitFallbackSweeper(options: {
  ctx: TradingContext;
  intervalMs: number;
  /** The exchange accounts' sweep (live-sweep.ts), when there are any: after the paper one, in the same pass. */
  live?: (() => Promise<FallbackResult[]>) | undefined;
}): LimitFallbackSweeper {
  const { ctx, intervalMs, live } = options;
  const pass = createPeriodicPass({
    what: "limit fallback sweep",
    intervalMs,
    logger: ctx.logger,
    run: async () => {
      const paper = await sweepTimedOutLimits(ctx);
      return live ? [...paper, ...(await live())] : paper;
    },
  });
  return { start: pass.start, stop: pass.stop, sweepOnce: pass.runOnce };
}
