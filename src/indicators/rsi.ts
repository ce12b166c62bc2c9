import { assertPeriod, nanArray } from "./validate.js";
import { WilderAverage } from "./wilder.js";

/**
 * Relative Strength Index with Wilder's smoothing: average gain and loss are seeded with the simple
 * average of the first `period` changes, so the first value is at index `period`.
 *
 * When the average loss is 0 the RSI is 100, also for a flat series where the average gain is 0
 * too. That is trading-signals' and technicalindicators' convention (TA-Lib returns 0 there);
 * we follow the reference so results match bar for bar.
 */
export class Rsi {
  readonly period: number;
  readonly #gain: WilderAverage;
  readonly #loss: WilderAverage;
  #prev = Number.NaN;
  #started = false;

  constructor(period: number) {
    assertPeriod("period", period);
    this.period = period;
    this.#gain = new WilderAverage(period);
    this.#loss = new WilderAverage(period);
  }

  update(value: number): number | undefined {
    if (!this.#started) {
      this.#started = true;
      this.#prev = value;
      return undefined;
    }
    const prev = this.#prev;
    this.#prev = value;
    let gain: number;
    let loss: number;
    if (value > prev) {
      gain = value - prev;
      loss = 0;
    } else {
      gain = 0;
      loss = prev - value;
    }
    const avgGain = this.#gain.update(gain);
    const avgLoss = this.#loss.update(loss);
    if (Number.isNaN(avgGain)) return undefined;
    if (avgLoss === 0) return 100;
    return 100 - 100 / (avgGain / avgLoss + 1);
  }
}

/** RSI of `values`; NaN for the first `period` entries. */
export function rsi(values: ArrayLike<number>, period: number): Float64Array {
  const ind = new Rsi(period);
  const out = nanArray(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = ind.update(values[i]!);
    if (v !== undefined) out[i] = v;
  }
  return out;
}
