import { assertPeriod } from "./validate.js";

/**
 * Wilder's smoothing (RMA), alpha = 1 / period, seeded with the simple average of the first
 * `period` inputs. Written as trading-signals' WSMA writes it: (x - prev) * (1 / period) + prev.
 */
export class WilderAverage {
  readonly period: number;
  readonly #k: number;
  #count = 0;
  #value = 0;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.#k = 1 / period;
  }

  /** Returns NaN during warm-up so callers in hot loops avoid a union type. */
  update(x: number): number {
    if (this.#count >= this.period) {
      this.#value = (x - this.#value) * this.#k + this.#value;
      return this.#value;
    }
    this.#value += x;
    this.#count += 1;
    if (this.#count < this.period) return Number.NaN;
    this.#value /= this.period;
    return this.#value;
  }
}
