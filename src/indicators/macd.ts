import { Ema } from "./ema.js";
import { assertPeriod, nanArray } from "./validate.js";

export interface MacdValue {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}

/**
 * MACD = EMA(fast) - EMA(slow); signal = EMA(signal) of MACD; histogram = MACD - signal.
 *
 * Each EMA is SMA-seeded (see ema.ts), so MACD starts at index `slow - 1` and signal/histogram at
 * `slow + signal - 2`. `update` returns one object owned by the instance and overwritten on every
 * bar (no allocation per bar): copy it if you keep it. `value.macd` is already set while the
 * signal line warms up, even though `update` still returns undefined.
 */
export class Macd {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  readonly #fast: Ema;
  readonly #slow: Ema;
  readonly #signal: Ema;
  readonly #value = { macd: Number.NaN, signal: Number.NaN, histogram: Number.NaN };

  constructor(fastPeriod = 12, slowPeriod = 26, signalPeriod = 9) {
    assertPeriod("fastPeriod", fastPeriod);
    assertPeriod("slowPeriod", slowPeriod);
    assertPeriod("signalPeriod", signalPeriod);
    if (fastPeriod >= slowPeriod) {
      throw new RangeError(
        `fastPeriod must be less than slowPeriod, got fast ${fastPeriod} and slow ${slowPeriod}`,
      );
    }
    this.fastPeriod = fastPeriod;
    this.slowPeriod = slowPeriod;
    this.signalPeriod = signalPeriod;
    this.#fast = new Ema(fastPeriod);
    this.#slow = new Ema(slowPeriod);
    this.#signal = new Ema(signalPeriod);
  }

  /** The latest values; fields are NaN until they are warmed up. */
  get value(): MacdValue {
    return this.#value;
  }

  update(value: number): MacdValue | undefined {
    const fast = this.#fast.update(value);
    const slow = this.#slow.update(value);
    // fast < slow, so fast is defined whenever slow is.
    if (slow === undefined || fast === undefined) return undefined;
    const macd = fast - slow;
    const out = this.#value;
    out.macd = macd;
    const signal = this.#signal.update(macd);
    if (signal === undefined) return undefined;
    out.signal = signal;
    out.histogram = macd - signal;
    return out;
  }
}

export interface MacdSeries {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly histogram: Float64Array;
}

/** MACD of `values`; NaN during each line's warm-up. */
export function macd(
  values: ArrayLike<number>,
  fastPeriod = 12,
  slowPeriod = 26,
  signalPeriod = 9,
): MacdSeries {
  const ind = new Macd(fastPeriod, slowPeriod, signalPeriod);
  const n = values.length;
  const out = { macd: nanArray(n), signal: nanArray(n), histogram: nanArray(n) };
  const v = ind.value;
  for (let i = 0; i < n; i++) {
    const r = ind.update(values[i]!);
    out.macd[i] = v.macd;
    if (r !== undefined) {
      out.signal[i] = r.signal;
      out.histogram[i] = r.histogram;
    }
  }
  return out;
}
