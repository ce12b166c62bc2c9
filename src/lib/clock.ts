/** Time is injected so tests and backtests control it; the core never calls Date.now() itself. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
