const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Candle lengths in milliseconds, by ccxt timeframe name. Months are left out: they have no fixed length. */
const DURATIONS = {
  "1m": MINUTE,
  "3m": 3 * MINUTE,
  "5m": 5 * MINUTE,
  "15m": 15 * MINUTE,
  "30m": 30 * MINUTE,
  "1h": HOUR,
  "2h": 2 * HOUR,
  "4h": 4 * HOUR,
  "6h": 6 * HOUR,
  "8h": 8 * HOUR,
  "12h": 12 * HOUR,
  "1d": DAY,
  "1w": 7 * DAY,
} as const;

export type Timeframe = keyof typeof DURATIONS;
export const TIMEFRAMES = Object.keys(DURATIONS) as [Timeframe, ...Timeframe[]];

// Exchanges open weekly candles on Monday 00:00 UTC; the epoch was a Thursday, four days later.
const WEEK_OFFSET = 4 * DAY;

export function timeframeMs(timeframe: Timeframe): number {
  return DURATIONS[timeframe];
}

/** Whether `openTime` (ms) is where a candle of this timeframe opens, in UTC. */
export function isAligned(openTime: number, timeframe: Timeframe): boolean {
  const offset = timeframe === "1w" ? WEEK_OFFSET : 0;
  return (openTime - offset) % DURATIONS[timeframe] === 0;
}

/** The first candle open time of this timeframe at or after `ms`. */
export function alignUp(ms: number, timeframe: Timeframe): number {
  const offset = timeframe === "1w" ? WEEK_OFFSET : 0;
  const d = DURATIONS[timeframe];
  return Math.ceil((ms - offset) / d) * d + offset;
}

export function isTimeframe(value: string): value is Timeframe {
  return Object.hasOwn(DURATIONS, value);
}
