import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsampleCurve } from "../../src/backtest/downsample.js";

const indexes = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("downsampleCurve", () => {
  it("keeps the first and last points and each bucket's minimum and maximum, in time order", () => {
    // 10 points, maxPoints 6: first + last + 2 buckets of 4 interior points (indices 1–4 and 5–8).
    // Bucket 1: values 1, 9, 3, 3 → min at 1, max at 2. Bucket 2: 7, 0, 2, 8 → min at 6, max at 8.
    const value = [5, 1, 9, 3, 3, 7, 0, 2, 8, 4];
    const out = downsampleCurve(indexes(10), value, 6);
    expect(out.time).toEqual([0, 1, 2, 6, 8, 9]);
    expect(out.value).toEqual([5, 1, 9, 0, 8, 4]);
  });

  it("emits a bucket's maximum before its minimum when the maximum comes first", () => {
    // Bucket 1 (indices 1–4): 9 at 1 is the max, -3 at 4 the min; bucket 2 (5–8): 6 at 5 max, 2 at 8 min.
    const value = [0, 9, 4, 5, -3, 6, 3, 4, 2, 1];
    const out = downsampleCurve(indexes(10), value, 6);
    expect(out.time).toEqual([0, 1, 4, 5, 8, 9]);
    expect(out.value).toEqual([0, 9, -3, 6, 2, 1]);
  });

  it("keeps a flat bucket's point once, not twice", () => {
    const out = downsampleCurve(indexes(10), [1, 2, 2, 2, 2, 3, 3, 3, 3, 1], 6);
    expect(out.time).toEqual([0, 1, 5, 9]);
  });

  it("returns every point, as plain arrays, when there are no more than maxPoints", () => {
    const time = new Float64Array([10, 20, 30]);
    const value = new Float64Array([1, -1, 2]);
    const out = downsampleCurve(time, value, 3);
    expect(out).toEqual({ time: [10, 20, 30], value: [1, -1, 2] });
    expect(Array.isArray(out.time)).toBe(true);
    expect(downsampleCurve([], [], 2)).toEqual({ time: [], value: [] });
  });

  it("with maxPoints 2 keeps only the first and the last point", () => {
    expect(downsampleCurve(indexes(5), [3, 1, 4, 1, 5], 2)).toEqual({ time: [0, 4], value: [3, 5] });
  });

  it("rejects a maxPoints that cannot hold the first and last points, and mismatched arrays", () => {
    expect(() => downsampleCurve(indexes(5), indexes(5), 1)).toThrow(RangeError);
    expect(() => downsampleCurve(indexes(5), indexes(5), 2.5)).toThrow(RangeError);
    expect(() => downsampleCurve(indexes(5), indexes(4), 3)).toThrow(RangeError);
  });

  it("never exceeds maxPoints and keeps first, last, global min and max, as a time-ordered subsequence", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 2, max: 60 }),
        (value, maxPoints) => {
          const time = value.map((_, i) => 1_000 + i * 60_000);
          const out = downsampleCurve(time, value, maxPoints);
          expect(out.time.length).toBe(out.value.length);
          expect(out.time.length).toBeLessThanOrEqual(maxPoints);
          expect(out.time[0]).toBe(time[0]);
          expect(out.time.at(-1)).toBe(time.at(-1));
          let previous = -1;
          out.time.forEach((t, k) => {
            const i = (t - 1_000) / 60_000;
            expect(i).toBeGreaterThan(previous);
            expect(out.value[k]).toBe(value[i]);
            previous = i;
          });
          if (maxPoints >= 4 || value.length <= maxPoints) {
            expect(out.value).toContain(Math.min(...value));
            expect(out.value).toContain(Math.max(...value));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps a one-bar crash and a one-bar spike among two million points", () => {
    const n = 2_000_000;
    const time = new Float64Array(n);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      time[i] = i * 60_000;
      value[i] = 10_000 + Math.sin(i / 5_000) * 100;
    }
    value[1_234_567] = 5_000;
    value[777_777] = 20_000;
    const out = downsampleCurve(time, value, 500);
    expect(out.time.length).toBeLessThanOrEqual(500);
    expect(out.time).toContain(1_234_567 * 60_000);
    expect(out.time).toContain(777_777 * 60_000);
    expect(Math.min(...out.value)).toBe(5_000);
    expect(Math.max(...out.value)).toBe(20_000);
  });
});
