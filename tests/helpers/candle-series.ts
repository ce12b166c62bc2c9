import { readFileSync } from "node:fs";
import type { CandleSeries } from "../../src/backtest/types.js";

/** A fixture CSV (timestamp,open,high,low,close,volume) as a CandleSeries that keeps the file's exact price text. */
export function loadCandleSeries(file: string, symbol: string): CandleSeries & { text: string[][] } {
  const rows = readFileSync(new URL(`../fixtures/ohlcv/${file}`, import.meta.url), "utf8").trim().split("\n").slice(1);
  return seriesFromRows(symbol, rows.map((r) => r.split(",")));
}

export function seriesFromRows(symbol: string, text: string[][]): CandleSeries & { text: string[][] } {
  const n = text.length;
  const cols = Array.from({ length: 6 }, () => new Float64Array(n));
  text.forEach((row, i) => row.forEach((v, j) => ((cols[j] as Float64Array)[i] = Number(v))));
  const [time, open, high, low, close, volume] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const column = { open: 1, high: 2, low: 3, close: 4 } as const;
  return { symbol, time, open, high, low, close, volume, text, priceText: (i, field) => (text[i] as string[])[column[field]] as string };
}
