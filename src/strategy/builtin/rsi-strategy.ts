import { z } from "zod";
import { Rsi } from "../../indicators/rsi.js";
import type { Bar, BarStrategy, StrategySignal } from "./bar-strategy.js";
import { CLOSE_LONG, OPEN_LONG, OPEN_SHORT, signal } from "./intents.js";
import { allowShortParam, openRangeParam, periodParam } from "./params.js";

export const RsiParamsSchema = z
  .strictObject({
    period: periodParam("period", 2, 14),
    oversold: openRangeParam("oversold", 0, 100, 30),
    overbought: openRangeParam("overbought", 0, 100, 70),
    allowShort: allowShortParam,
  })
  .refine((p) => p.overbought > p.oversold, {
    error: "overbought must exceed oversold",
    path: ["overbought"],
  });
export type RsiParams = z.infer<typeof RsiParamsSchema>;

/**
 * Mean reversion on RSI: buy when it crosses below `oversold`, leave (or go short) when it crosses
 * above `overbought`. Only the bar where the RSI crosses signals; the first RSI value has no
 * previous one, so it never does.
 */
export class RsiStrategy implements BarStrategy {
  readonly #rsi: Rsi;
  readonly #oversold: number;
  readonly #overbought: number;
  readonly #allowShort: boolean;
  #prev = Number.NaN;

  constructor(params: RsiParams) {
    this.#rsi = new Rsi(params.period);
    this.#oversold = params.oversold;
    this.#overbought = params.overbought;
    this.#allowShort = params.allowShort;
  }

  onBar(bar: Bar): StrategySignal | null {
    const value = this.#rsi.update(bar.close);
    if (value === undefined) return null;
    const prev = this.#prev;
    this.#prev = value;
    // NaN compares false, so the first value falls through both tests.
    if (prev >= this.#oversold && value < this.#oversold) {
      return signal(OPEN_LONG, `rsi ${value.toFixed(2)} crossed below ${this.#oversold}`);
    }
    if (prev <= this.#overbought && value > this.#overbought) {
      const comment = `rsi ${value.toFixed(2)} crossed above ${this.#overbought}`;
      return signal(this.#allowShort ? OPEN_SHORT : CLOSE_LONG, comment);
    }
    return null;
  }
}
