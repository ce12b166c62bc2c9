import { describe, expect, it } from "vitest";
import { alignUp } from "../../src/market-data/fetch-candles.js";
import { isAligned, TIMEFRAMES } from "../../src/market-data/timeframes.js";

const at = (iso: string) => Date.parse(iso);

describe("alignUp: where paging starts", () => {
  it("keeps an open time already on the grid and moves any other to the next one", () => {
    expect(alignUp(at("2025-01-01T10:00:00Z"), "1h")).toBe(at("2025-01-01T10:00:00Z"));
    expect(alignUp(at("2025-01-01T10:00:00.001Z"), "1h")).toBe(at("2025-01-01T11:00:00Z"));
    expect(alignUp(at("2025-01-01T10:14:00Z"), "15m")).toBe(at("2025-01-01T10:15:00Z"));
    expect(alignUp(at("2025-01-01T10:00:00Z"), "1d")).toBe(at("2025-01-02T00:00:00Z"));
  });

  it("starts weeks on Monday 00:00 UTC", () => {
    // 2025-01-01 was a Wednesday; the next Monday is the 6th. A Monday itself stays.
    expect(alignUp(at("2025-01-01T00:00:00Z"), "1w")).toBe(at("2025-01-06T00:00:00Z"));
    expect(alignUp(at("2025-01-06T00:00:00Z"), "1w")).toBe(at("2025-01-06T00:00:00Z"));
    expect(alignUp(at("2025-01-06T00:00:01Z"), "1w")).toBe(at("2025-01-13T00:00:00Z"));
    expect(alignUp(at("2025-01-12T23:59:59Z"), "1w")).toBe(at("2025-01-13T00:00:00Z"));
  });

  it("lands on the grid, at or after its input and less than one candle later, for every timeframe", () => {
    for (const timeframe of TIMEFRAMES) {
      for (let ms = at("2024-12-30T00:00:00Z"); ms < at("2025-01-20T00:00:00Z"); ms += 7_777_777) {
        const t = alignUp(ms, timeframe);
        expect(isAligned(t, timeframe)).toBe(true);
        expect(t).toBeGreaterThanOrEqual(ms);
        expect(alignUp(t - 1, timeframe)).toBe(t);
      }
    }
  });
});
