import { z } from "zod";
import { BollingerBands } from "../../indicators/bollinger.js";
import type { Bar, BarStrategy, StrategySignal } from "./bar-strategy.js";
import { CLOSE_LONG, CLOSE_SHORT, OPEN_LONG, OPEN_SHORT, fmt, signal } from "./intents.js";
import { allowShortParam, periodParam } from "./params.js";

const STD_DEV_ERROR = "stdDev must be a number above 0 and at most 10";

export const BOLLINGER_EXITS = ["middle", "upper"] as const;

export const BollingerParamsSchema = z.strictObject({
  period: periodParam("period", 2, 20),
  stdDev: z
    .number({ error: STD_DEV_ERROR })
    .gt(0, { error: STD_DEV_ERROR })
    .max(10, { error: STD_DEV_ERROR })
    .default(2),
  exitAt: z.enum(BOLLINGER_EXITS, { error: "exitAt must be middle or upper" }).default("middle"),
  allowShort: allowShortParam,
});
export type BollingerParams = z.infer<typeof BollingerParamsSchema>;

// Where a close sits relative to the bands, as bits; a cross is a bit that was clear and is set.
const BELOW_LOWER = 1;
const BELOW_MIDDLE = 2;
const ABOVE_MIDDLE = 4;
const ABOVE_UPPER = 8;
const NO_PREVIOUS = -1;

/**
 * Mean reversion on Bollinger Bands. A close crossing below the lower band opens a long, which is
 * closed when a close crosses above the exit band (middle or upper). With allowShort, a close
 * crossing above the upper band opens a short, closed when a close crosses below the middle band;
 * it takes precedence over a long's exit at the same band, so exitAt "upper" then always reverses.
 * Every crossing below the lower band signals, also when already long-biased: pyramiding is the
 * strategy configuration's call, not the strategy's.
 */
export class BollingerStrategy implements BarStrategy {
  readonly #bands: BollingerBands;
  readonly #exitBit: number;
  readonly #exitName: string;
  readonly #allowShort: boolean;
  #prevZone = NO_PREVIOUS;
  /** 1 after an open long, −1 after an open short, 0 after a close: only a held bias is exited. */
  #bias = 0;

  constructor(params: BollingerParams) {
    this.#bands = new BollingerBands(params.period, params.stdDev);
    this.#exitBit = params.exitAt === "upper" ? ABOVE_UPPER : ABOVE_MIDDLE;
    this.#exitName = params.exitAt;
    this.#allowShort = params.allowShort;
  }

  onBar(bar: Bar): StrategySignal | null {
    const b = this.#bands.update(bar.close);
    if (b === undefined) return null;
    const c = bar.close;
    const zone =
      (c < b.lower ? BELOW_LOWER : 0) |
      (c < b.middle ? BELOW_MIDDLE : 0) |
      (c > b.middle ? ABOVE_MIDDLE : 0) |
      (c > b.upper ? ABOVE_UPPER : 0);
    const prev = this.#prevZone;
    this.#prevZone = zone;
    if (prev === NO_PREVIOUS) return null;
    const entered = zone & ~prev;
    if (entered === 0) return null;

    if (entered & BELOW_LOWER) {
      this.#bias = 1;
      return signal(OPEN_LONG, `close ${fmt(c)} crossed below lower band ${fmt(b.lower)}`);
    }
    if (this.#allowShort && entered & ABOVE_UPPER) {
      this.#bias = -1;
      return signal(OPEN_SHORT, `close ${fmt(c)} crossed above upper band ${fmt(b.upper)}`);
    }
    if (this.#bias === 1 && entered & this.#exitBit) {
      this.#bias = 0;
      const band = this.#exitBit === ABOVE_UPPER ? b.upper : b.middle;
      return signal(CLOSE_LONG, `close ${fmt(c)} crossed above ${this.#exitName} band ${fmt(band)}`);
    }
    if (this.#bias === -1 && entered & BELOW_MIDDLE) {
      this.#bias = 0;
      return signal(CLOSE_SHORT, `close ${fmt(c)} crossed below middle band ${fmt(b.middle)}`);
    }
    return null;
  }
}
