import type { Bar } from "../../strategy/builtin/bar-strategy.js";
import type { CandleSeries } from "../types.js";

/**
 * The bar at `index` of a series, read through: a strategy that looks only at closes reads one
 * array, not six, and copying six fields per bar was most of a run's cost next to the indicator.
 * Like the object it replaces, it is reused for every bar; strategies keep numbers, never the bar.
 */
export class SeriesBar implements Bar {
  index = 0;

  constructor(private readonly series: CandleSeries) {}

  get time(): number {
    return this.series.time[this.index] as number;
  }

  get open(): number {
    return this.series.open[this.index] as number;
  }

  get high(): number {
    return this.series.high[this.index] as number;
  }

  get low(): number {
    return this.series.low[this.index] as number;
  }

  get close(): number {
    return this.series.close[this.index] as number;
  }

  get volume(): number {
    return this.series.volume[this.index] as number;
  }
}
