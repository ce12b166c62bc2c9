/** Time is injected so tests and backtests control it; the core never calls Date.now() itself. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The UTC calendar day of an instant, YYYY-MM-DD: the day the daily-loss limit counts in. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
