import { z } from "zod";
import { Sma } from "../../indicators/sma.js";
import type { Bar, BarStrategy, StrategySignal } from "./bar-strategy.js";
import { CLOSE_LONG, OPEN_LONG, OPEN_SHORT, fmt, signal } from "./intents.js";
import { allowShortParam, periodParam } from "./params.js";

export const SmaCrossParamsSchema = z
  .strictObject({
    // fast 1 is the close itself: "price crosses its moving average".
    fast: periodParam("fast", 1, 10),
    slow: periodParam("slow", 2, 30),
    allowShort: allowShortParam,
  })
  .refine((p) => p.fast < p.slow, { error: "fast must be less than slow", path: ["fast"] });
export type SmaCrossParams = z.infer<typeof SmaCrossParamsSchema>;

/** Moving-average crossover: fast SMA above slow opens a long, below closes it (or opens a short). */
export class SmaCrossStrategy implements BarStrategy {
  readonly #fast: Sma;
  readonly #slow: Sma;
  readonly #fastPeriod: number;
  readonly #slowPeriod: number;
  readonly #allowShort: boolean;
  #prevDiff = Number.NaN;

  constructor(params: SmaCrossParams) {
    this.#fast = new Sma(params.fast);
    this.#slow = new Sma(params.slow);
    this.#fastPeriod = params.fast;
    this.#slowPeriod = params.slow;
    this.#allowShort = params.allowShort;
  }

  onBar(bar: Bar): StrategySignal | null {
    const fast = this.#fast.update(bar.close);
    const slow = this.#slow.update(bar.close);
    // fast < slow, so fast is defined whenever slow is.
    if (slow === undefined || fast === undefined) return null;
    const diff = fast - slow;
    const prev = this.#prevDiff;
    this.#prevDiff = diff;
    if (prev <= 0 && diff > 0) return signal(OPEN_LONG, this.#comment("above", fast, slow));
    if (prev >= 0 && diff < 0) {
      return signal(this.#allowShort ? OPEN_SHORT : CLOSE_LONG, this.#comment("below", fast, slow));
    }
    return null;
  }

  #comment(direction: string, fast: number, slow: number): string {
    return `sma${this.#fastPeriod} ${fmt(fast)} crossed ${direction} sma${this.#slowPeriod} ${fmt(slow)}`;
  }
}
