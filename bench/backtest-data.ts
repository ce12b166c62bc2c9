import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { CandleSeries } from "../src/backtest/types.js";

const MINUTE = 60_000;

/**
 * At least `minimum` 1-minute BTC/USDT candles for the throughput bench. The repository holds 46 real
 * days (66 087 candles, Binance, 2023-03-16 to 05-01; see bench/data); they are laid end to end as
 * often as needed, each copy shifted in time to follow the previous one and its prices scaled (to
 * the cent) so it opens where the previous copy closed: real intraday moves, no price jump at a seam.
 */
export function benchCandles(minimum: number): CandleSeries {
  const text = gunzipSync(readFileSync(new URL("./data/binance_BTCUSDT_1m.csv.gz", import.meta.url))).toString("utf8");
  const rows = text.trim().split("\n").slice(1).map((line) => line.split(",").map(Number));
  const copies = Math.ceil(minimum / rows.length);
  const n = copies * rows.length;
  const series = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  const first = rows[0] as number[];
  const span = (rows[rows.length - 1] as number[])[0]! - first[0]! + MINUTE;
  let factor = 1;
  let i = 0;
  for (let copy = 0; copy < copies; copy++) {
    for (const row of rows) {
      series.time[i] = row[0]! - first[0]! + first[0]! + copy * span;
      series.open[i] = Math.round(row[1]! * factor * 100) / 100;
      series.high[i] = Math.round(row[2]! * factor * 100) / 100;
      series.low[i] = Math.round(row[3]! * factor * 100) / 100;
      series.close[i] = Math.round(row[4]! * factor * 100) / 100;
      series.volume[i] = row[5]!;
      i++;
    }
    factor = series.close[i - 1]! / first[1]!;
  }
  return { symbol: "BTC/USDT", ...series };
}
