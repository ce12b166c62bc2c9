import { assertMultiplier, assertPeriod, nanArray } from "./validate.js";

export interface BollingerValue {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

/**
 * Bollinger Bands: middle = SMA(period), upper/lower = middle ± k × σ with σ the population
 * standard deviation (divide by `period`, not `period - 1`), as trading-signals and Bollinger's own
 * definition do.
 *
 * The sum and the sum of squared deviations (M2) are updated in O(1) per bar with Welford's
 * add/replace formulas, which avoid the cancellation of sum-of-squares at prices around 1e5. When
 * the ring buffer wraps both are recomputed exactly (two-pass) so rounding cannot accumulate:
 * amortized constant work. `update` returns one object owned by the instance and overwritten on
 * every bar: copy it if you keep it.
 */
export class BollingerBands {
  readonly period: number;
  readonly multiplier: number;
  readonly #buf: Float64Array;
  readonly #value = { upper: Number.NaN, middle: Number.NaN, lower: Number.NaN };
  #idx = 0;
  #count = 0;
  #sum = 0;
  #m2 = 0;

  constructor(period = 20, multiplier = 2) {
    assertPeriod("period", period);
    assertMultiplier("multiplier", multiplier);
    this.period = period;
    this.multiplier = multiplier;
    this.#buf = new Float64Array(period);
  }

  update(value: number): BollingerValue | undefined {
    const n = this.period;
    const buf = this.#buf;
    const old = buf[this.#idx]!;
    buf[this.#idx] = value;
    this.#idx += 1;
    if (this.#count < n) {
      const k = this.#count;
      const oldMean = k === 0 ? 0 : this.#sum / k;
      this.#count = k + 1;
      this.#sum += value;
      this.#m2 += (value - oldMean) * (value - this.#sum / (k + 1));
    } else {
      const oldMean = this.#sum / n;
      this.#sum += value - old;
      this.#m2 += (value - old) * (value - this.#sum / n + old - oldMean);
    }
    if (this.#idx === n) {
      this.#idx = 0;
      this.#resync();
    }
    if (this.#count < n) return undefined;
    const middle = this.#sum / n;
    const sd = Math.sqrt((this.#m2 > 0 ? this.#m2 : 0) / n);
    const out = this.#value;
    out.middle = middle;
    out.upper = middle + sd * this.multiplier;
    out.lower = middle - sd * this.multiplier;
    return out;
  }

  #resync(): void {
    const n = this.period;
    const buf = this.#buf;
    let s = 0;
    for (let i = 0; i < n; i++) s += buf[i]!;
    const mean = s / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = buf[i]! - mean;
      m2 += d * d;
    }
    this.#sum = s;
    this.#m2 = m2;
  }
}

export interface BollingerSeries {
  readonly upper: Float64Array;
  readonly middle: Float64Array;
  readonly lower: Float64Array;
}

/** Bollinger Bands of `values`; NaN for the first `period - 1` entries. */
export function bollinger(values: ArrayLike<number>, period = 20, multiplier = 2): BollingerSeries {
  const ind = new BollingerBands(period, multiplier);
  const n = values.length;
  const out = { upper: nanArray(n), middle: nanArray(n), lower: nanArray(n) };
  for (let i = 0; i < n; i++) {
    const r = ind.update(values[i]!);
    if (r !== undefined) {
      out.upper[i] = r.upper;
      out.middle[i] = r.middle;
      out.lower[i] = r.lower;
    }
  }
  return out;
}
