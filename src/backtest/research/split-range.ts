import { timeframeMs } from "../../market-data/timeframes.js";
import type { BacktestSpec, CandleSeries } from "../types.js";
import { ResearchInputError } from "./research-error.js";

/** The candles one side of a split runs on: open times of the first and last, both inclusive. */
export type SplitSide = { readonly from: number; readonly to: number; readonly candles: number };

export type SplitRange = {
  /** Candles opening before this instant are in-sample, the ones opening at or after it out-of-sample. */
  readonly cutTime: number;
  readonly inSample: SplitSide;
  readonly outOfSample: SplitSide;
};

/**
 * Cuts the candles a spec covers into an earlier in-sample part and a later out-of-sample part at
 * one instant for every symbol: the span from the first candle's open to the last one's close,
 * taken at `inSampleFraction` and rounded to the nearest candle boundary. The span is measured in
 * time, not candles, so gaps in the data do not move the cut.
 */
export function splitRange(spec: Pick<BacktestSpec, "from" | "to" | "timeframe">, series: readonly CandleSeries[], inSampleFraction: number): SplitRange {
  const tf = timeframeMs(spec.timeframe);
  let first = Infinity;
  let last = -Infinity;
  for (const s of series) {
    for (const t of s.time) {
      if (t < spec.from || t > spec.to) continue;
      if (t < first) first = t;
      if (t > last) last = t;
    }
  }
  if (first > last) throw new ResearchInputError("SPLIT_EMPTY", "no candle opens between from and to: there is nothing to split");
  const slots = (last - first) / tf + 1;
  const cutTime = first + Math.round(slots * inSampleFraction) * tf;
  const inSample = side(series, first, cutTime - 1);
  const outOfSample = side(series, cutTime, last);
  for (const [name, part] of [["in-sample", inSample], ["out-of-sample", outOfSample]] as const) {
    if (part.candles === 0) {
      throw new ResearchInputError("SPLIT_EMPTY", `the ${name} part has no candles: the range holds ${slots} candle slots, split at ${inSampleFraction}; widen the range or move the fraction`, [
        { path: "split.inSampleFraction", message: `leaves the ${name} part empty` },
      ]);
    }
  }
  return { cutTime, inSample, outOfSample };
}

function side(series: readonly CandleSeries[], from: number, to: number): SplitSide {
  let candles = 0;
  let low = Infinity;
  let high = -Infinity;
  for (const s of series) {
    for (const t of s.time) {
      if (t < from || t > to) continue;
      candles++;
      if (t < low) low = t;
      if (t > high) high = t;
    }
  }
  return candles === 0 ? { from, to, candles } : { from: low, to: high, candles };
}
