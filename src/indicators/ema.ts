import { assertPeriod, nanArray } from "./validate.js";

/**
 * Exponential moving average, alpha = 2 / (period + 1).
 *
 * Seeded with the SMA of the first `period` values (TA-Lib's convention, and technicalindicators'),
 * so the first value appears at index `period - 1`. trading-signals instead seeds with the first
 * price and reports from the same index; the two converge as (1 - alpha)^n. We prefer the SMA seed
 * because then the first reported value does not hinge on a single bar.
 * The recurrence is written as trading-signals writes it: price * alpha + prev * (1 - alpha).
 */
export class Ema {
  readonly period: number;
  readonly #alpha: number;
  readonly #beta: number;
  #count = 0;
  #value = 0;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.#alpha = 2 / (period + 1);
    this.#beta = 1 - this.#alpha;
  }

  update(value: number): number | undefined {
    const n = this.period;
    if (this.#count >= n) {
      this.#value = value * this.#alpha + this.#value * this.#beta;
      return this.#value;
    }
    this.#value += value;
    this.#count += 1;
    if (this.#count < n) return undefined;
    this.#value /= n;
    return this.#value;
  }
}

/** EMA of `values`; NaN for the first `period - 1` entries. */
export function ema(values: ArrayLike<number>, period: number): Float64Array {
  const ind = new Ema(period);
  const out = nanArray(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = ind.update(values[i]!);
    if (v !== undefined) out[i] = v;
  }
  return out;
}
