import type { CandleSeries } from "../types.js";
import { priceText } from "./price-text.js";

/**
 * Each symbol's mark at 00:00 UTC, as the paper venue keeps it (market_prices.day_open_price): the
 * last price observed by midnight, here the close of the last bar that closed by then (the bar
 * ending at 00:00 gives the price at midnight); null when the series starts that day. Only closed
 * bars are read, so there is no look-ahead.
 */
export class MidnightMarks {
  readonly #cached = new Map<string, { midnight: number; mark: string | null }>();
  constructor(private readonly tf: number) {}

  of(series: CandleSeries, at: Date): string | null {
    const midnight = Math.floor(at.getTime() / 86_400_000) * 86_400_000;
    const cached = this.#cached.get(series.symbol);
    if (cached?.midnight === midnight) return cached.mark;
    // The last bar whose close time (open + timeframe) is at or before midnight, by binary search.
    let lo = 0;
    let hi = series.time.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((series.time[mid] as number) + this.tf <= midnight) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const mark = found < 0 ? null : priceText(series, found, "close");
    this.#cached.set(series.symbol, { midnight, mark });
    return mark;
  }
}
