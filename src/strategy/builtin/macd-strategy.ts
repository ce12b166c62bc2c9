import { z } from "zod";
import { Macd } from "../../indicators/macd.js";
import type { Bar, BarStrategy, StrategySignal } from "./bar-strategy.js";
import { CLOSE_LONG, OPEN_LONG, OPEN_SHORT, fmt, signal } from "./intents.js";
import { allowShortParam, periodParam } from "./params.js";

export const MacdParamsSchema = z
  .strictObject({
    fast: periodParam("fast", 1, 12),
    slow: periodParam("slow", 2, 26),
    signal: periodParam("signal", 1, 9),
    allowShort: allowShortParam,
  })
  .refine((p) => p.fast < p.slow, { error: "fast must be less than slow", path: ["fast"] });
export type MacdParams = z.infer<typeof MacdParamsSchema>;

/**
 * Trend following on MACD: the MACD line crossing above its signal line opens a long, crossing
 * below closes it (or opens a short). The previous bar's MACD − signal is all the state it keeps.
 */
export class MacdStrategy implements BarStrategy {
  readonly #macd: Macd;
  readonly #allowShort: boolean;
  #prevDiff = Number.NaN;

  constructor(params: MacdParams) {
    this.#macd = new Macd(params.fast, params.slow, params.signal);
    this.#allowShort = params.allowShort;
  }

  onBar(bar: Bar): StrategySignal | null {
    const v = this.#macd.update(bar.close);
    if (v === undefined) return null;
    // For floats, a − b > 0 exactly when a > b, so the difference's sign is the lines' order.
    const diff = v.macd - v.signal;
    const prev = this.#prevDiff;
    this.#prevDiff = diff;
    if (prev <= 0 && diff > 0) {
      return signal(OPEN_LONG, `macd ${fmt(v.macd)} crossed above signal ${fmt(v.signal)}`);
    }
    if (prev >= 0 && diff < 0) {
      const comment = `macd ${fmt(v.macd)} crossed below signal ${fmt(v.signal)}`;
      return signal(this.#allowShort ? OPEN_SHORT : CLOSE_LONG, comment);
    }
    return null;
  }
}
