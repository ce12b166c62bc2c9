import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ATR as RefATR,
  BollingerBands as RefBB,
  EMA as RefEMA,
  MACD as RefMACD,
  RSI as RefRSI,
  SMA as RefSMA,
} from "trading-signals";
import {
  Atr,
  BollingerBands,
  Ema,
  Macd,
  Rsi,
  Sma,
  atr,
  bollinger,
  ema,
  macd,
  rsi,
  sma,
} from "../../src/indicators/index.js";

// Reference: trading-signals 8.3 (plain JS numbers, no rounding). Tolerance 1e-9, absolute for
// |expected| ≤ 1 and relative above (|a - e| ≤ 1e-9 · max(1, |e|)): prices here are ~1e5.
const TOL = 1e-9;

function loadCandles() {
  const text = readFileSync(
    new URL("../fixtures/ohlcv/binance_BTCUSDT_1h_head3000.csv", import.meta.url),
    "utf8",
  );
  const rows = text.trim().split("\n").slice(1);
  const n = rows.length;
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  rows.forEach((row, i) => {
    const f = row.split(",");
    high[i] = Number(f[2]);
    low[i] = Number(f[3]);
    close[i] = Number(f[4]);
  });
  return { high, low, close, n };
}

const data = loadCandles();

/** Checks `actual` against `expected` (null/undefined = warm-up, must be NaN); returns bars compared. */
function expectSeriesClose(
  actual: Float64Array,
  expected: ReadonlyArray<number | null | undefined>,
  label: string,
): number {
  expect(actual.length, label).toBe(expected.length);
  let compared = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i]!;
    if (e === null || e === undefined) {
      if (!Number.isNaN(a)) throw new Error(`${label}[${i}]: expected warm-up NaN, got ${a}`);
      continue;
    }
    if (!(Math.abs(a - e) <= TOL * Math.max(1, Math.abs(e)))) {
      throw new Error(`${label}[${i}]: got ${a}, reference ${e}, diff ${a - e}`);
    }
    compared++;
  }
  return compared;
}

/** Incremental outputs with undefined mapped to NaN, to compare with the array form bit for bit. */
function collect<T>(n: number, step: (i: number) => T | undefined, pick: (v: T) => number) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = step(i);
    out[i] = v === undefined ? Number.NaN : pick(v);
  }
  return out;
}

function expectIdentical(a: Float64Array, b: Float64Array, label: string): void {
  expect(a.length, label).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`${label}[${i}]: ${a[i]} !== ${b[i]}`);
  }
}

/**
 * trading-signals seeds its EMA with the first price; ours is SMA-seeded. Feeding the reference EMA
 * the reference SMA of the first `period` values as its first input gives an SMA-seeded EMA built
 * only from the reference's own SMA and recurrence.
 */
class RefSmaSeededEma {
  readonly #sma: RefSMA;
  readonly #ema: RefEMA;
  #seeded = false;
  constructor(readonly interval: number) {
    this.#sma = new RefSMA(interval);
    this.#ema = new RefEMA(interval);
  }
  getRequiredInputs(): number {
    return this.interval;
  }
  update(price: number): number | null {
    if (this.#seeded) return this.#ema.update(price, false);
    const seed = this.#sma.update(price, false);
    if (seed === null) return null;
    this.#seeded = true;
    return this.#ema.update(seed, false);
  }
}

describe("indicators vs trading-signals on BTCUSDT 1h (3,000 bars)", () => {
  const { close, high, low, n } = data;

  it.each([1, 2, 14, 20, 50, 200])("SMA(%i)", (p) => {
    const ref = new RefSMA(p);
    const expected = Array.from(close, (c) => ref.update(c, false));
    const arr = sma(close, p);
    expect(expectSeriesClose(arr, expected, "sma")).toBe(n - p + 1);
    const inc = new Sma(p);
    expectIdentical(collect(n, (i) => inc.update(close[i]!), (v) => v), arr, "sma incremental");
  });

  it.each([1, 9, 12, 26, 50])("EMA(%i), SMA-seeded", (p) => {
    const ref = new RefSmaSeededEma(p);
    const expected = Array.from(close, (c) => ref.update(c));
    const arr = ema(close, p);
    expect(expectSeriesClose(arr, expected, "ema")).toBe(n - p + 1);
    expect(arr[p - 1]).toBe(sma(close, p)[p - 1]);
    const inc = new Ema(p);
    expectIdentical(collect(n, (i) => inc.update(close[i]!), (v) => v), arr, "ema incremental");
  });

  it("EMA converges to trading-signals' first-price-seeded EMA once the seed has decayed", () => {
    const p = 20;
    const ref = new RefEMA(p);
    const raw = Array.from(close, (c) => ref.update(c, false));
    const arr = ema(close, p);
    // (1 - 2/21)^1000 ≈ 1e-44: the seed's effect is gone in the last 2,000 bars.
    expect(expectSeriesClose(arr.subarray(n - 2000), raw.slice(n - 2000), "ema tail")).toBe(2000);
    // ...and differs early on, so the seeding convention is really being exercised.
    expect(Math.abs(arr[p - 1]! - raw[p - 1]!)).toBeGreaterThan(1);
  });

  it.each([2, 7, 14, 28])("RSI(%i), Wilder", (p) => {
    const ref = new RefRSI(p);
    const expected = Array.from(close, (c) => ref.update(c, false));
    const arr = rsi(close, p);
    expect(expectSeriesClose(arr, expected, "rsi")).toBe(n - p);
    const inc = new Rsi(p);
    expectIdentical(collect(n, (i) => inc.update(close[i]!), (v) => v), arr, "rsi incremental");
  });

  it.each([
    [12, 26, 9],
    [5, 35, 5],
    [3, 10, 16],
  ])("MACD(%i, %i, %i)", (f, s, g) => {
    // trading-signals' own MACD composition, over SMA-seeded EMAs built from its SMA and EMA.
    const ref = new RefMACD(
      new RefSmaSeededEma(f) as unknown as RefEMA,
      new RefSmaSeededEma(s) as unknown as RefEMA,
      new RefSmaSeededEma(g) as unknown as RefEMA,
    );
    const results = Array.from(close, (c) => {
      const r = ref.update(c, false);
      return r === null ? null : { ...r };
    });
    const out = macd(close, f, s, g);
    const macdRef = results.map((r) => r?.macd ?? null);
    const signalRef = results.map((r) => r?.signal ?? null);
    const histRef = results.map((r) => (r === null || r.signal === null ? null : r.histogram));
    expect(expectSeriesClose(out.macd, macdRef, "macd")).toBe(n - s + 1);
    expect(expectSeriesClose(out.signal, signalRef, "signal")).toBe(n - s - g + 2);
    expect(expectSeriesClose(out.histogram, histRef, "histogram")).toBe(n - s - g + 2);

    const inc = new Macd(f, s, g);
    const got = { macd: new Float64Array(n), signal: new Float64Array(n), hist: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const r = inc.update(close[i]!);
      got.macd[i] = inc.value.macd;
      got.signal[i] = r === undefined ? Number.NaN : r.signal;
      got.hist[i] = r === undefined ? Number.NaN : r.histogram;
    }
    expectIdentical(got.macd, out.macd, "macd incremental");
    expectIdentical(got.signal, out.signal, "signal incremental");
    expectIdentical(got.hist, out.histogram, "histogram incremental");
  });

  it.each([
    [20, 2],
    [10, 1.5],
    [50, 3],
    [2, 0],
  ])("Bollinger Bands(%i, %f), population σ", (p, k) => {
    const ref = new RefBB(p, k);
    const expected = Array.from(close, (c) => {
      const r = ref.update(c, false);
      return r === null ? null : { ...r };
    });
    const out = bollinger(close, p, k);
    for (const key of ["upper", "middle", "lower"] as const) {
      const exp = expected.map((r) => (r === null ? null : r[key]));
      expect(expectSeriesClose(out[key], exp, `bb.${key}`)).toBe(n - p + 1);
    }
    // The band width is small next to the price, so check σ itself too, not just the bands.
    const sigmaRef = expected.map((r) => (r === null || k === 0 ? null : (r.upper - r.middle) / k));
    const sigma = out.upper.map((u, i) => (k === 0 ? Number.NaN : (u - out.middle[i]!) / k));
    expectSeriesClose(sigma, sigmaRef, "bb.sigma");
    expectIdentical(out.middle, sma(close, p), "bb.middle vs sma");

    const inc = new BollingerBands(p, k);
    const got = { upper: new Float64Array(n), middle: new Float64Array(n), lower: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const r = inc.update(close[i]!);
      got.upper[i] = r?.upper ?? Number.NaN;
      got.middle[i] = r?.middle ?? Number.NaN;
      got.lower[i] = r?.lower ?? Number.NaN;
    }
    expectIdentical(got.upper, out.upper, "bb.upper incremental");
    expectIdentical(got.middle, out.middle, "bb.middle incremental");
    expectIdentical(got.lower, out.lower, "bb.lower incremental");
  });

  it.each([1, 5, 14, 30])("ATR(%i), Wilder over true range", (p) => {
    const ref = new RefATR(p);
    const expected = Array.from(close, (c, i) =>
      ref.update({ high: high[i]!, low: low[i]!, close: c }, false),
    );
    const arr = atr(high, low, close, p);
    expect(expectSeriesClose(arr, expected, "atr")).toBe(n - p + 1);
    const inc = new Atr(p);
    const got = collect(
      n,
      (i) => inc.update({ high: high[i]!, low: low[i]!, close: close[i]! }),
      (v) => v,
    );
    expectIdentical(got, arr, "atr incremental");
  });
});

describe("warm-up", () => {
  const xs = Float64Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i) * 5);

  const firstValid = (a: Float64Array) => a.findIndex((v) => !Number.isNaN(v));

  it("each indicator starts where its convention says", () => {
    expect(firstValid(sma(xs, 10))).toBe(9);
    expect(firstValid(ema(xs, 10))).toBe(9);
    expect(firstValid(rsi(xs, 14))).toBe(14);
    const m = macd(xs, 12, 26, 9);
    expect(firstValid(m.macd)).toBe(25);
    expect(firstValid(m.signal)).toBe(33);
    expect(firstValid(m.histogram)).toBe(33);
    expect(firstValid(bollinger(xs, 20, 2).middle)).toBe(19);
    expect(firstValid(atr(xs, xs, xs, 14))).toBe(13);
  });

  it("incremental forms return undefined until warmed up, then a value every bar", () => {
    const s = new Sma(3);
    expect([s.update(1), s.update(2), s.update(3), s.update(4)]).toEqual([undefined, undefined, 2, 3]);
    const e = new Ema(3);
    expect([e.update(1), e.update(2), e.update(3), e.update(5)]).toEqual([undefined, undefined, 2, 3.5]);
    const r = new Rsi(2);
    expect([r.update(1), r.update(2), r.update(1)]).toEqual([undefined, undefined, 50]);
  });

  it("series shorter than the warm-up are all NaN", () => {
    expect(Array.from(sma([1, 2], 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(rsi([1, 2, 3], 3)).every(Number.isNaN)).toBe(true);
    expect(sma([], 3).length).toBe(0);
  });
});

describe("conventions on degenerate input", () => {
  const flat = new Float64Array(50).fill(42);

  it("a flat series has RSI 100 (average loss 0), as the reference has", () => {
    const ref = new RefRSI(14);
    const expected = Array.from(flat, (c) => ref.update(c, false));
    const arr = rsi(flat, 14);
    expectSeriesClose(arr, expected, "rsi flat");
    expect(Array.from(arr.subarray(14))).toEqual(new Array(36).fill(100));
  });

  it("a strictly falling series has RSI 0 and a rising one 100", () => {
    const down = Float64Array.from({ length: 30 }, (_, i) => 100 - i);
    const up = Float64Array.from({ length: 30 }, (_, i) => 100 + i);
    expect(rsi(down, 14)[29]).toBe(0);
    expect(rsi(up, 14)[29]).toBe(100);
  });

  it("a flat series has zero-width bands, zero MACD and ATR = high - low", () => {
    const bb = bollinger(flat, 20, 2);
    expect(bb.upper[49]).toBe(42);
    expect(bb.lower[49]).toBe(42);
    expect(macd(flat, 3, 6, 4).histogram[49]).toBe(0);
    const hi = new Float64Array(50).fill(43);
    const lo = new Float64Array(50).fill(41);
    expect(atr(hi, lo, flat, 14)[49]).toBe(2);
  });

  it("period 1: SMA and EMA are the input", () => {
    const xs = [3, 1, 4, 1, 5];
    expect(Array.from(sma(xs, 1))).toEqual(xs);
    expect(Array.from(ema(xs, 1))).toEqual(xs);
  });

  it("rolling sums do not drift over long series (re-summed each time the window wraps)", () => {
    // Deterministic random walk around 1e5 with the odd large jump, 300,001 bars.
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const n = 300_001;
    const xs = new Float64Array(n);
    let x = 1e5;
    for (let i = 0; i < n; i++) {
      x += next() * 50 + (i % 9973 === 0 ? 5e4 : 0);
      xs[i] = x;
    }
    const p = 37; // 300,001 bars is not a multiple of 37, so the last bar is not a re-sum bar.
    const window = Array.from(xs.subarray(n - p));
    const mean = window.reduce((s, v) => s + v, 0) / p;
    const sd = Math.sqrt(window.reduce((s, v) => s + (v - mean) ** 2, 0) / p);
    expect(Math.abs(sma(xs, p)[n - 1]! - mean) / mean).toBeLessThan(1e-13);
    const bb = bollinger(xs, p, 1);
    expect(Math.abs(bb.upper[n - 1]! - bb.middle[n - 1]! - sd) / sd).toBeLessThan(1e-9);
  });
});

describe("parameter validation", () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects period %s", (p) => {
    const msg = /period must be a positive integer/;
    expect(() => new Sma(p)).toThrow(msg);
    expect(() => new Ema(p)).toThrow(msg);
    expect(() => new Rsi(p)).toThrow(msg);
    expect(() => new BollingerBands(p)).toThrow(msg);
    expect(() => new Atr(p)).toThrow(msg);
    expect(() => sma([1, 2, 3], p)).toThrow(RangeError);
    expect(() => new Macd(p, 26, 9)).toThrow(/fastPeriod must be a positive integer/);
    expect(() => new Macd(12, p, 9)).toThrow(/slowPeriod must be a positive integer/);
    expect(() => new Macd(12, 26, p)).toThrow(/signalPeriod must be a positive integer/);
  });

  it("MACD needs fast < slow", () => {
    expect(() => new Macd(26, 12, 9)).toThrow(/fastPeriod must be less than slowPeriod/);
    expect(() => macd([1, 2, 3], 12, 12, 9)).toThrow(/fastPeriod must be less than slowPeriod/);
  });

  it("Bollinger multiplier must be finite and ≥ 0", () => {
    expect(() => new BollingerBands(20, -1)).toThrow(/multiplier must be a finite number/);
    expect(() => new BollingerBands(20, Number.NaN)).toThrow(/multiplier/);
  });

  it("ATR columns must have equal lengths", () => {
    expect(() => atr([1, 2], [1], [1, 2], 1)).toThrow(/equal lengths/);
  });
});
