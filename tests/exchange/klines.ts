import { Decimal } from "decimal.js";
import { BinanceError, mandatoryParam } from "./binance-errors.js";

/** One seeded candle. Served as given: a test may seed a gap, a repeat or an inconsistent bar on purpose. */
export type KlineSeed = Readonly<{ openTime: number; open: string; high: string; low: string; close: string; volume: string }>;

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** Binance's kline intervals with their length in ms; a month has none, so its close time is computed. */
const INTERVALS: Readonly<Record<string, number | "month">> = {
  "1s": 1000,
  "1m": MINUTE,
  "3m": 3 * MINUTE,
  "5m": 5 * MINUTE,
  "15m": 15 * MINUTE,
  "30m": 30 * MINUTE,
  "1h": 60 * MINUTE,
  "2h": 120 * MINUTE,
  "4h": 240 * MINUTE,
  "6h": 360 * MINUTE,
  "8h": 480 * MINUTE,
  "12h": 720 * MINUTE,
  "1d": DAY,
  "3d": 3 * DAY,
  "1w": 7 * DAY,
  "1M": "month",
};

export const KLINES_DEFAULT_LIMIT = 500;
export const KLINES_MAX_LIMIT = 1000;

const invalidInterval = () => new BinanceError(-1120, "Invalid interval.");
const invalidLimit = () => new BinanceError(-1130, "Data sent for parameter 'limit' is not valid.");
const startAfterEnd = () => new BinanceError(-1023, "Start time is greater than end time.");

/** Seeded candles per exchange symbol and interval, answered with GET /api/v3/klines's parameters and shape. */
export class KlineBook {
  private readonly series = new Map<string, KlineSeed[]>();

  /** Replaces the symbol's candles of this interval; they are kept sorted by open time (stable, repeats stay). */
  seed(symbol: string, interval: string, rows: readonly KlineSeed[]): void {
    if (!(interval in INTERVALS)) throw new Error(`not a Binance interval: ${interval}`);
    this.series.set(`${symbol} ${interval}`, [...rows].sort((a, b) => a.openTime - b.openTime));
  }

  /**
   * Binance's selection: with startTime, the first `limit` candles opening at or after it (and at or
   * before endTime when given); with endTime only, the last `limit` up to it; with neither, the latest.
   * `symbol` has already been checked against the markets.
   */
  query(symbol: string, p: URLSearchParams): unknown[][] {
    const interval = p.get("interval");
    if (interval === null) throw mandatoryParam("interval");
    const length = INTERVALS[interval];
    if (length === undefined) throw invalidInterval();
    const limit = p.has("limit") ? Number(p.get("limit")) : KLINES_DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > KLINES_MAX_LIMIT) throw invalidLimit();
    const start = optionalTime(p, "startTime");
    const end = optionalTime(p, "endTime");
    if (start !== undefined && end !== undefined && start > end) throw startAfterEnd();

    const rows = (this.series.get(`${symbol} ${interval}`) ?? []).filter(
      (k) => (start === undefined || k.openTime >= start) && (end === undefined || k.openTime <= end),
    );
    const picked = start !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
    return picked.map((k) => klineRow(k, length));
  }
}

function optionalTime(p: URLSearchParams, name: string): number | undefined {
  const raw = p.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new BinanceError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Number(raw);
}

const fixed = (v: string) => new Decimal(v).toFixed(8);

/** A kline as Binance sends it: numbers as 8-decimal strings, close time one ms before the next open. */
function klineRow(k: KlineSeed, length: number | "month"): unknown[] {
  const closeTime = length === "month" ? nextMonth(k.openTime) - 1 : k.openTime + length - 1;
  const quoteVolume = new Decimal(k.close).times(k.volume).toFixed(8);
  return [k.openTime, fixed(k.open), fixed(k.high), fixed(k.low), fixed(k.close), fixed(k.volume), closeTime, quoteVolume, 0, "0.00000000", "0.00000000", "0"];
}

function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
