import { assertPeriod, nanArray } from "./validate.js";
import { WilderAverage } from "./wilder.js";

export interface HighLowClose {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/**
 * Average True Range: Wilder's smoothing of the true range, seeded with the simple average of the
 * first `period` true ranges.
 *
 * The first bar has no previous close, so its true range is high - low and it counts towards the
 * seed; the first ATR is at index `period - 1`. That is trading-signals' convention; TA-Lib and
 * technicalindicators drop the first bar and start at index `period`.
 */
export class Atr {
  readonly period: number;
  readonly #avg: WilderAverage;
  #prevClose = Number.NaN;
  #started = false;

  constructor(period = 14) {
    assertPeriod("period", period);
    this.period = period;
    this.#avg = new WilderAverage(period);
  }

  update(bar: HighLowClose): number | undefined {
    return this.updateHlc(bar.high, bar.low, bar.close);
  }

  /** Same as `update` for callers holding columns, so no bar object is needed. */
  updateHlc(high: number, low: number, close: number): number | undefined {
    let tr = high - low;
    if (this.#started) {
      const pc = this.#prevClose;
      const up = Math.abs(high - pc);
      const down = Math.abs(low - pc);
      if (up > tr) tr = up;
      if (down > tr) tr = down;
    }
    this.#started = true;
    this.#prevClose = close;
    const v = this.#avg.update(tr);
    return Number.isNaN(v) ? undefined : v;
  }
}

/** ATR over high/low/close columns of equal length; NaN for the first `period - 1` entries. */
export function atr(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  period = 14,
): Float64Array {
  const n = high.length;
  if (low.length !== n || close.length !== n) {
    throw new RangeError(
      `high, low and close must have equal lengths, got ${n}, ${low.length} and ${close.length}`,
    );
  }
  const ind = new Atr(period);
  const out = nanArray(n);
  for (let i = 0; i < n; i++) {
    const v = ind.updateHlc(high[i]!, low[i]!, close[i]!);
    if (v !== undefined) out[i] = v;
  }
  return out;
}
