type Weight = number | ((p: URLSearchParams) => number);

/** Request weights of the routes served, as Binance's spot API documents them; anything else weighs 1. */
const WEIGHTS: Readonly<Record<string, Weight>> = {
  "GET /api/v3/exchangeInfo": 20,
  "GET /api/v3/klines": 2,
  "GET /api/v3/ticker/price": (p) => (p.has("symbol") ? 2 : 4),
  "GET /api/v3/ticker/24hr": (p) => (p.has("symbol") ? 2 : 80),
  "GET /api/v3/order": 4,
  "GET /api/v3/openOrders": (p) => (p.has("symbol") ? 6 : 80),
  "GET /api/v3/myTrades": 20,
  "GET /api/v3/account": 20,
};

export function requestWeight(method: string, path: string, p: URLSearchParams): number {
  const weight = WEIGHTS[`${method} ${path}`] ?? 1;
  return typeof weight === "number" ? weight : weight(p);
}

const MINUTE = 60_000;

export type WeightCharge = { ok: true; used: number } | { ok: false; used: number; retryAfterSeconds: number };

/**
 * Binance's REQUEST_WEIGHT limit: a budget per calendar minute of the server's clock. A request that
 * would pass it is refused (429, Retry-After: the seconds left in the minute) and charged nothing.
 * Without a limit it only counts, for the X-MBX-USED-WEIGHT headers.
 */
export class WeightMeter {
  private minute = Number.NaN;
  private used = 0;

  constructor(private readonly limit: number | undefined) {}

  charge(weight: number, nowMs: number): WeightCharge {
    const minute = Math.floor(nowMs / MINUTE);
    if (minute !== this.minute) {
      this.minute = minute;
      this.used = 0;
    }
    if (this.limit !== undefined && this.used + weight > this.limit) {
      return { ok: false, used: this.used, retryAfterSeconds: Math.ceil(((minute + 1) * MINUTE - nowMs) / 1000) };
    }
    this.used += weight;
    return { ok: true, used: this.used };
  }

  /** Weight used in the current minute as of `nowMs`. */
  usedAt(nowMs: number): number {
    return Math.floor(nowMs / MINUTE) === this.minute ? this.used : 0;
  }
}
