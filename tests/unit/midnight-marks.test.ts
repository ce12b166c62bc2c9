import { describe, expect, it } from "vitest";
import { MidnightMarks } from "../../src/backtest/engine/midnight-marks.js";
import { seriesFromRows } from "../helpers/candle-series.js";

const HOUR = 3_600_000;
const midnight = Date.UTC(2026, 10, 22);
// Hourly bars from 21:00 to 02:00 around midnight; each close names its bar's open hour.
const series = seriesFromRows(
  "BTC/USDT",
  [-3, -2, -1, 0, 1, 2].map((h) => [String(midnight + h * HOUR), "1", "1", "1", `${100 + h}.5`, "1"]),
);

describe("a backtest's midnight marks", () => {
  it("is the close of the bar that ends at 00:00 UTC, from any time of that day", () => {
    const marks = new MidnightMarks(HOUR);
    expect(marks.of(series, new Date(midnight + 2 * HOUR))).toBe("99.5");
    expect(marks.of(series, new Date(midnight))).toBe("99.5");
    expect(marks.of(series, new Date(midnight + 23 * HOUR))).toBe("99.5");
  });

  it("never reads a bar that has not closed by midnight, and has none for a series that starts that day", () => {
    const marks = new MidnightMarks(HOUR);
    // The day before: no bar of the series had closed by its midnight.
    expect(marks.of(series, new Date(midnight - HOUR))).toBeNull();
    const lateStart = seriesFromRows("ETH/USDT", [[String(midnight + HOUR), "1", "1", "1", "5", "1"]]);
    expect(marks.of(lateStart, new Date(midnight + 3 * HOUR))).toBeNull();
  });
});
