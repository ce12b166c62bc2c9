export type DownsampledCurve = { time: number[]; value: number[] };

/**
 * Reduces a time-ordered curve to at most `maxPoints` points for drawing. The first and last points
 * are kept; the points between are split into equal-count buckets and each bucket keeps its minimum
 * and its maximum, in time order, so a one-bar crash survives any reduction (an average or a stride
 * would smooth it away). One pass, no allocation beyond the output: fine for millions of points.
 * Values must be finite; an odd `maxPoints` leaves one slot unused.
 */
export function downsampleCurve(time: ArrayLike<number>, value: ArrayLike<number>, maxPoints: number): DownsampledCurve {
  if (time.length !== value.length) {
    throw new RangeError(`downsampleCurve: ${time.length} times but ${value.length} values`);
  }
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`downsampleCurve: maxPoints must be an integer of at least 2 (first and last), got ${maxPoints}`);
  }
  const n = time.length;
  if (n <= maxPoints) return { time: Array.from(time), value: Array.from(value) };

  const outTime: number[] = [];
  const outValue: number[] = [];
  const keep = (i: number) => {
    outTime.push(time[i]!);
    outValue.push(value[i]!);
  };

  keep(0);
  const interior = n - 2;
  const buckets = Math.floor((maxPoints - 2) / 2);
  // n > maxPoints gives interior > 2 * buckets: every bucket holds at least two points, none is empty.
  let bucket = 0;
  let end = buckets > 0 ? 1 + Math.floor(interior / buckets) : n - 1;
  let minI = -1;
  let maxI = -1;
  const flush = () => {
    if (minI < 0) return;
    if (minI === maxI) keep(minI);
    else if (minI < maxI) {
      keep(minI);
      keep(maxI);
    } else {
      keep(maxI);
      keep(minI);
    }
    minI = -1;
    maxI = -1;
  };
  if (buckets > 0) {
    for (let i = 1; i < n - 1; i++) {
      if (i >= end) {
        flush();
        bucket++;
        end = 1 + Math.floor(((bucket + 1) * interior) / buckets);
      }
      const v = value[i]!;
      if (minI < 0 || v < value[minI]!) minI = i;
      if (maxI < 0 || v > value[maxI]!) maxI = i;
    }
    flush();
  }
  keep(n - 1);
  return { time: outTime, value: outValue };
}
