import { timeframeMs, type Timeframe } from "./timeframes.js";

/** How many entries each list in a report keeps; counts are always complete. */
export const REPORT_LIST_CAP = 20;

export type LineIssue = { readonly line: number; readonly reason: string };
export type DuplicateRow = { readonly line: number; readonly firstLine: number; readonly openTime: string; readonly identical: boolean };
export type Gap = { readonly from: string; readonly to: string; readonly missingBars: number };
export type Capped<T> = { readonly count: number; readonly items: readonly T[]; readonly truncated: boolean };

export type QualityReport = {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Data lines read: every non-blank line after the header. */
  readonly rowsRead: number;
  /** Distinct valid candles in the file: what was offered to the database. */
  readonly validRows: number;
  /** Candles the database did not have. */
  readonly imported: number;
  /** Stored candles whose values the file changed. */
  readonly updated: number;
  /** Candles already stored with the same values: a re-import is all of these. */
  readonly alreadyStored: number;
  readonly first: string | null;
  readonly last: string | null;
  readonly duplicatesInFile: Capped<DuplicateRow>;
  readonly invalidRows: Capped<LineIssue>;
  readonly ohlcInconsistencies: Capped<LineIssue & { readonly openTime: string }>;
  /** Runs of missing candles between the file's first and last candle. */
  readonly gaps: Capped<Gap> & { readonly missingBars: number; readonly largest: Gap | null };
  readonly outOfOrderRows: number;
};

type Stored = { imported: number; updated: number; alreadyStored: number };

const iso = (ms: number) => new Date(ms).toISOString();

class CappedList<T> {
  count = 0;
  readonly items: T[] = [];
  add(item: T) {
    this.count += 1;
    if (this.items.length < REPORT_LIST_CAP) this.items.push(item);
  }
  view(): Capped<T> {
    return { count: this.count, items: [...this.items], truncated: this.count > this.items.length };
  }
}

/**
 * Collects what an import saw, line by line, and summarises it. Keeps one entry per distinct open
 * time (its line and values, to recognise duplicates), which is all that is held per candle.
 */
export class QualityTracker {
  private rowsRead = 0;
  private outOfOrder = 0;
  private lastSeen = -Infinity;
  private readonly seen = new Map<number, { line: number; values: string }>();
  private readonly duplicates = new CappedList<DuplicateRow>();
  private readonly invalid = new CappedList<LineIssue>();
  private readonly inconsistent = new CappedList<LineIssue & { openTime: string }>();

  constructor(private readonly symbol: string, private readonly timeframe: Timeframe) {}

  invalidRow(line: number, reason: string) {
    this.rowsRead += 1;
    this.invalid.add({ line, reason });
  }

  inconsistentRow(line: number, openTime: number, reason: string) {
    this.rowsRead += 1;
    this.inconsistent.add({ line, openTime: iso(openTime), reason });
  }

  /** A valid candle: true when it is the first with its open time (to be stored), false for a duplicate. */
  candle(line: number, openTime: number, values: string): boolean {
    this.rowsRead += 1;
    const earlier = this.seen.get(openTime);
    if (earlier) {
      this.duplicates.add({ line, firstLine: earlier.line, openTime: iso(openTime), identical: earlier.values === values });
      return false;
    }
    if (openTime < this.lastSeen) this.outOfOrder += 1;
    this.lastSeen = Math.max(this.lastSeen, openTime);
    this.seen.set(openTime, { line, values });
    return true;
  }

  report(stored: Stored): QualityReport {
    const times = [...this.seen.keys()].sort((a, b) => a - b);
    return {
      symbol: this.symbol,
      timeframe: this.timeframe,
      rowsRead: this.rowsRead,
      validRows: times.length,
      ...stored,
      first: times.length ? iso(times[0] as number) : null,
      last: times.length ? iso(times[times.length - 1] as number) : null,
      duplicatesInFile: this.duplicates.view(),
      invalidRows: this.invalid.view(),
      ohlcInconsistencies: this.inconsistent.view(),
      gaps: findGaps(times, timeframeMs(this.timeframe)),
      outOfOrderRows: this.outOfOrder,
    };
  }
}

/** Missing candles between consecutive open times (ascending, distinct, aligned). */
export function findGaps(sortedTimes: readonly number[], stepMs: number): QualityReport["gaps"] {
  const list = new CappedList<Gap>();
  let missingBars = 0;
  let largest: Gap | null = null;
  for (let i = 1; i < sortedTimes.length; i += 1) {
    const prev = sortedTimes[i - 1] as number;
    const next = sortedTimes[i] as number;
    const missing = Math.round((next - prev) / stepMs) - 1;
    if (missing <= 0) continue;
    const gap = { from: iso(prev + stepMs), to: iso(next - stepMs), missingBars: missing };
    list.add(gap);
    missingBars += missing;
    if (!largest || missing > largest.missingBars) largest = gap;
  }
  return { ...list.view(), missingBars, largest };
}
