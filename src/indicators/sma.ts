import { assertPeriod, nanArray } from "./validate.js";

/**
 * Simple moving average over the last `period` values.
 *
 * A running sum keeps updates O(1). Every time the ring buffer wraps the sum is recomputed from the
 * buffer (oldest first, the reference's order), so rounding from add/subtract cannot drift over
 * millions of bars: amortized constant work, at most `period` additions on one bar in `period`.
 */
export class Sma {
  readonly period: number;
  readonly #buf: Float64Array;
  #idx = 0;
  #count = 0;
  #sum = 0;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.#buf = new Float64Array(period);
  }

  update(value: number): number | undefined {
    const n = this.period;
    const buf = this.#buf;
    const old = buf[this.#idx]!;
    buf[this.#idx] = value;
    this.#idx += 1;
    if (this.#count < n) {
      this.#count += 1;
      this.#sum += value;
    } else {
      this.#sum += value - old;
    }
    if (this.#idx === n) {
      this.#idx = 0;
      let s = 0;
      for (let i = 0; i < n; i++) s += buf[i]!;
      this.#sum = s;
    }
    return this.#count < n ? undefined : this.#sum / n;
  }
}

/** SMA of `values`; NaN for the first `period - 1` entries. */
export function sma(values: ArrayLike<number>, period: number): Float64Array {
  const ind = new Sma(period);
  const out = nanArray(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = ind.update(values[i]!);
    if (v !== undefined) out[i] = v;
  }
  return out;
}
