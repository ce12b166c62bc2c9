import { describe, expect, it } from "vitest";
import { findGaps, QualityTracker, REPORT_LIST_CAP } from "../../src/market-data/quality-report.js";

const M5 = 5 * 60_000;
const T0 = Date.UTC(2023, 2, 24);
const stored = { imported: 0, updated: 0, alreadyStored: 0 };

describe("findGaps", () => {
  it("finds each run of missing bars, their total and the largest", () => {
    const times = [0, 1, 2, 5, 6, 8, 20].map((i) => T0 + i * M5);
    const gaps = findGaps(times, M5);
    expect(gaps.count).toBe(3);
    expect(gaps.missingBars).toBe(2 + 1 + 11);
    expect(gaps.items[0]).toEqual({ from: "2023-03-24T00:15:00.000Z", to: "2023-03-24T00:20:00.000Z", missingBars: 2 });
    expect(gaps.largest).toEqual({ from: "2023-03-24T00:45:00.000Z", to: "2023-03-24T01:35:00.000Z", missingBars: 11 });
  });

  it("reports none for contiguous, single and empty series", () => {
    for (const times of [[T0, T0 + M5, T0 + 2 * M5], [T0], []]) {
      expect(findGaps(times, M5)).toMatchObject({ count: 0, missingBars: 0, largest: null, items: [] });
    }
  });
});

describe("QualityTracker", () => {
  it("keeps the first of duplicate open times and says whether the values agree", () => {
    const t = new QualityTracker("BTC/USDT", "5m");
    expect(t.candle(2, T0, "1,2,0.5,1.5,7")).toBe(true);
    expect(t.candle(3, T0, "1,2,0.5,1.5,7")).toBe(false);
    expect(t.candle(4, T0, "1,2,0.5,1.6,7")).toBe(false);
    const r = t.report(stored);
    expect(r.rowsRead).toBe(3);
    expect(r.validRows).toBe(1);
    expect(r.duplicatesInFile.items).toEqual([
      { line: 3, firstLine: 2, openTime: "2023-03-24T00:00:00.000Z", identical: true },
      { line: 4, firstLine: 2, openTime: "2023-03-24T00:00:00.000Z", identical: false },
    ]);
  });

  it("counts out-of-order rows and still finds gaps over the sorted series", () => {
    const t = new QualityTracker("BTC/USDT", "5m");
    t.candle(1, T0 + 3 * M5, "a");
    t.candle(2, T0, "b");
    t.candle(3, T0 + M5, "c");
    const r = t.report(stored);
    expect(r.outOfOrderRows).toBe(2);
    expect(r.first).toBe("2023-03-24T00:00:00.000Z");
    expect(r.last).toBe("2023-03-24T00:15:00.000Z");
    expect(r.gaps).toMatchObject({ count: 1, missingBars: 1 });
  });

  it("caps the listed issues but keeps the counts complete", () => {
    const t = new QualityTracker("BTC/USDT", "5m");
    for (let line = 1; line <= REPORT_LIST_CAP + 5; line += 1) t.invalidRow(line, "open is not a number");
    t.inconsistentRow(99, T0, "high is below the open or the close");
    const r = t.report({ imported: 3, updated: 1, alreadyStored: 2 });
    expect(r.invalidRows.count).toBe(REPORT_LIST_CAP + 5);
    expect(r.invalidRows.items).toHaveLength(REPORT_LIST_CAP);
    expect(r.invalidRows.truncated).toBe(true);
    expect(r.ohlcInconsistencies).toEqual({ count: 1, truncated: false, items: [{ line: 99, openTime: "2023-03-24T00:00:00.000Z", reason: "high is below the open or the close" }] });
    expect(r).toMatchObject({ rowsRead: REPORT_LIST_CAP + 6, validRows: 0, imported: 3, updated: 1, alreadyStored: 2, first: null, last: null });
  });
});
