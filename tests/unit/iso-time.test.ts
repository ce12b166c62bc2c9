import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoTime } from "../../src/strategy/builtin/iso-time.js";

const MAX = 8.64e15; // The largest instant a Date holds.

describe("isoTime", () => {
  it("writes what Date#toISOString writes, character for character, in any order of calls", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -MAX, max: MAX }), fc.double({ min: -MAX, max: MAX, noNaN: true })), { minLength: 1, maxLength: 20 }), (instants) => {
        for (const t of instants) expect(isoTime(t)).toBe(new Date(t).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  it("walks consecutive minutes across days, years and the epoch like Date does", () => {
    for (const start of [Date.UTC(1969, 11, 31, 23, 0), Date.UTC(2023, 11, 31, 23, 0), Date.UTC(2024, 1, 28, 23, 0)]) {
      for (let t = start; t < start + 2 * 3_600_000; t += 60_000) expect(isoTime(t)).toBe(new Date(t).toISOString());
    }
  });

  it("throws like toISOString for an instant a Date cannot hold", () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(MAX + 1)).toThrow(RangeError);
  });
});
