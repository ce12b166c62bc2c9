import { numberToDecimal } from "../../domain/signal.js";
import type { CandleSeries } from "../types.js";

/** A bar's price as exact decimal text: the series' own text when it has it, else the number's. */
export function priceText(series: CandleSeries, index: number, field: "open" | "high" | "low" | "close"): string {
  return series.priceText ? series.priceText(index, field) : numberToDecimal(series[field][index] as number);
}
