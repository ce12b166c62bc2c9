import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BollingerBands as RefBB,
  EMA as RefEMA,
  MACD as RefMACD,
  RSI as RefRSI,
  SMA as RefSMA,
} from "trading-signals";
import type { Bar, BarStrategy, StrategySignal } from "../../src/strategy/builtin/bar-strategy.js";
import {
  BuiltinStrategySpecSchema,
  createBarStrategy,
  type BuiltinStrategySpecInput,
} from "../../src/strategy/builtin/registry.js";

type Candles = {
  readonly n: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
};

function loadCandles(): Candles {
  const text = readFileSync(
    new URL("../fixtures/ohlcv/binance_BTCUSDT_1h_head3000.csv", import.meta.url),
    "utf8",
  );
  const rows = text.trim().split("\n").slice(1);
  const n = rows.length;
  const cols = Array.from({ length: 6 }, () => new Float64Array(n));
  rows.forEach((row, i) => row.split(",").forEach((v, j) => (cols[j]![i] = Number(v))));
  const [time, open, high, low, close, volume] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { n, time, open, high, low, close, volume };
}

const data = loadCandles();

type Recorded = { readonly i: number } & StrategySignal;

/** Feeds bars 0..limit-1 through one reused Bar object, as the backtest runner does. */
function run(strategy: BarStrategy, c: Candles, limit = c.n): Recorded[] {
  const bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const out: Recorded[] = [];
  for (let i = 0; i < limit; i++) {
    bar.time = c.time[i]!;
    bar.open = c.open[i]!;
    bar.high = c.high[i]!;
    bar.low = c.low[i]!;
    bar.close = c.close[i]!;
    bar.volume = c.volume[i]!;
    const s = strategy.onBar(bar);
    if (s !== null) out.push({ i, ...s });
  }
  return out;
}

function build(input: BuiltinStrategySpecInput): BarStrategy {
  return createBarStrategy(BuiltinStrategySpecSchema.parse(input));
}

/** "123 open long": the bar and the intent, the part an independent computation can predict. */
const key = (i: number, action: string, side?: string) => `${i} ${action}${side ? ` ${side}` : ""}`;
const keys = (signals: Recorded[]) => signals.map((s) => key(s.i, s.intent.action, s.intent.side));
const kinds = (signals: Recorded[]) => new Set(signals.map((s) => `${s.intent.action} ${s.intent.side}`));

/** trading-signals' EMA seeded with its own SMA of the first `interval` prices, like ours (see indicators.test.ts). */
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

/**
 * The crossing rule of the line-versus-line strategies, over reference values (null = warm-up):
 * up when the difference goes from ≤ 0 to > 0, down when it goes from ≥ 0 to < 0.
 */
function expectedCrossings(diffs: ReadonlyArray<number | null>, allowShort: boolean): string[] {
  const out: string[] = [];
  let prev: number | null = null;
  diffs.forEach((d, i) => {
    if (d === null) return;
    if (prev !== null && prev <= 0 && d > 0) out.push(key(i, "open", "long"));
    else if (prev !== null && prev >= 0 && d < 0) {
      out.push(allowShort ? key(i, "open", "short") : key(i, "close", "long"));
    }
    prev = d;
  });
  return out;
}

function expectedRsi(period: number, oversold: number, overbought: number, allowShort: boolean): string[] {
  const ref = new RefRSI(period);
  const out: string[] = [];
  let prev: number | null = null;
  data.close.forEach((c, i) => {
    const v = ref.update(c, false);
    if (v === null) return;
    if (prev !== null && prev >= oversold && v < oversold) out.push(key(i, "open", "long"));
    else if (prev !== null && prev <= overbought && v > overbought) {
      out.push(allowShort ? key(i, "open", "short") : key(i, "close", "long"));
    }
    prev = v;
  });
  return out;
}

function expectedMacd(fast: number, slow: number, signal: number, allowShort: boolean): string[] {
  const ref = new RefMACD(
    new RefSmaSeededEma(fast) as unknown as RefEMA,
    new RefSmaSeededEma(slow) as unknown as RefEMA,
    new RefSmaSeededEma(signal) as unknown as RefEMA,
  );
  const diffs = Array.from(data.close, (c) => {
    const r = ref.update(c, false);
    return r === null || r.signal === null ? null : r.macd - r.signal;
  });
  return expectedCrossings(diffs, allowShort);
}

function expectedSmaCross(fast: number, slow: number, allowShort: boolean): string[] {
  const f = new RefSMA(fast);
  const s = new RefSMA(slow);
  const diffs = Array.from(data.close, (c) => {
    const a = f.update(c, false);
    const b = s.update(c, false);
    return a === null || b === null ? null : a - b;
  });
  return expectedCrossings(diffs, allowShort);
}

function expectedBollinger(period: number, k: number, exitAt: "middle" | "upper", allowShort: boolean): string[] {
  const ref = new RefBB(period, k);
  const out: string[] = [];
  let prev: { close: number; upper: number; middle: number; lower: number } | null = null;
  let bias: "long" | "short" | "none" = "none";
  data.close.forEach((close, i) => {
    const r = ref.update(close, false);
    if (r === null) return;
    const now = { close, upper: r.upper, middle: r.middle, lower: r.lower };
    if (prev !== null) {
      const p = prev;
      const below = (band: "lower" | "middle") => p.close >= p[band] && now.close < now[band];
      const above = (band: "middle" | "upper") => p.close <= p[band] && now.close > now[band];
      if (below("lower")) {
        out.push(key(i, "open", "long"));
        bias = "long";
      } else if (allowShort && above("upper")) {
        out.push(key(i, "open", "short"));
        bias = "short";
      } else if (bias === "long" && above(exitAt)) {
        out.push(key(i, "close", "long"));
        bias = "none";
      } else if (bias === "short" && below("middle")) {
        out.push(key(i, "close", "short"));
        bias = "none";
      }
    }
    prev = now;
  });
  return out;
}

describe("built-in strategies vs an independent computation on BTCUSDT 1h (3,000 bars)", () => {
  it.each([
    [14, 30, 70],
    [7, 20, 80],
  ])("rsi(%i) %i/%i, long only and with shorts", (period, oversold, overbought) => {
    for (const allowShort of [false, true]) {
      const got = run(build({ type: "rsi", params: { period, oversold, overbought, allowShort } }), data);
      expect(keys(got)).toEqual(expectedRsi(period, oversold, overbought, allowShort));
      expect(kinds(got)).toEqual(new Set(allowShort ? ["open long", "open short"] : ["open long", "close long"]));
      expect(got.every((s) => s.confidence === 1)).toBe(true);
      const first = got[0]!;
      expect(first.comment).toMatch(new RegExp(`^rsi \\d+\\.\\d{2} crossed (below ${oversold}|above ${overbought})$`));
    }
  });

  it.each([
    [12, 26, 9],
    [5, 35, 5],
  ])("macd(%i, %i, %i)", (fast, slow, signal) => {
    for (const allowShort of [false, true]) {
      const got = run(build({ type: "macd", params: { fast, slow, signal, allowShort } }), data);
      expect(keys(got)).toEqual(expectedMacd(fast, slow, signal, allowShort));
      expect(kinds(got)).toEqual(new Set(allowShort ? ["open long", "open short"] : ["open long", "close long"]));
      expect(got[0]!.comment).toMatch(/^macd -?[\d.e-]+ crossed (above|below) signal -?[\d.e-]+$/);
    }
  });

  it.each([
    [10, 30],
    [1, 20],
  ])("sma-cross(%i, %i)", (fast, slow) => {
    for (const allowShort of [false, true]) {
      const got = run(build({ type: "sma-cross", params: { fast, slow, allowShort } }), data);
      expect(keys(got)).toEqual(expectedSmaCross(fast, slow, allowShort));
      expect(kinds(got)).toEqual(new Set(allowShort ? ["open long", "open short"] : ["open long", "close long"]));
      expect(got[0]!.comment).toMatch(new RegExp(`^sma${fast} [\\d.]+ crossed (above|below) sma${slow} [\\d.]+$`));
    }
  });

  it.each([
    [20, 2, "middle"],
    [20, 2, "upper"],
    [10, 1.5, "middle"],
  ] as const)("bollinger(%i, %f), exit at %s", (period, stdDev, exitAt) => {
    for (const allowShort of [false, true]) {
      const got = run(build({ type: "bollinger", params: { period, stdDev, exitAt, allowShort } }), data);
      expect(keys(got)).toEqual(expectedBollinger(period, stdDev, exitAt, allowShort));
      // Exiting at the upper band with shorts allowed is always a reversal: the exit band is the
      // short entry band, so a long is left by opening a short, never by a bare close.
      const expectedKinds = !allowShort
        ? ["open long", "close long"]
        : exitAt === "upper"
          ? ["open long", "open short", "close short"]
          : ["open long", "close long", "open short", "close short"];
      expect(kinds(got)).toEqual(new Set(expectedKinds));
      expect(got.find((s) => s.intent.action === "open")!.comment).toMatch(/^close [\d.]+ crossed (below lower|above upper) band [\d.]+$/);
    }
  });

  it("signals are rare: every strategy is quiet on most bars", () => {
    for (const type of ["rsi", "macd", "bollinger", "sma-cross"] as const) {
      const got = run(build({ type }), data);
      expect(got.length, type).toBeGreaterThan(10);
      expect(got.length, type).toBeLessThan(data.n / 5);
    }
  });

  it("two instances of one spec keep separate state", () => {
    const spec = BuiltinStrategySpecSchema.parse({ type: "rsi", params: { period: 7 } });
    const alone = run(createBarStrategy(spec), data);
    // Interleave a second instance fed other prices: if state were shared, the first would change.
    const a = createBarStrategy(spec);
    const b = createBarStrategy(spec);
    const bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
    const got: Recorded[] = [];
    for (let i = 0; i < data.n; i++) {
      bar.time = data.time[i]!;
      bar.close = data.close[i]!;
      const s = a.onBar(bar);
      if (s !== null) got.push({ i, ...s });
      bar.close = data.close[data.n - 1 - i]!;
      b.onBar(bar);
    }
    expect(got).toEqual(alone);
  });
});

const NO_LOOKAHEAD_SPECS: BuiltinStrategySpecInput[] = [
  { type: "rsi", params: { period: 7, allowShort: true } },
  { type: "macd" },
  { type: "bollinger", params: { allowShort: true } },
  { type: "bollinger", params: { exitAt: "upper" } },
  { type: "sma-cross", params: { fast: 5, slow: 20, allowShort: true } },
  {
    type: "ensemble",
    params: {
      members: [{ type: "rsi", params: { period: 7 } }, { type: "macd" }, { type: "sma-cross" }],
      threshold: 0.6,
      allowShort: true,
    },
  },
];

/** The same candles with every bar from `k` on replaced by a different, still valid, path. */
function perturbedFrom(k: number): Candles {
  const copy = (a: Float64Array) => Float64Array.from(a);
  const c = { ...data, open: copy(data.open), high: copy(data.high), low: copy(data.low), close: copy(data.close), volume: copy(data.volume) };
  for (let i = k; i < data.n; i++) {
    const f = 1 + 0.03 * Math.sin(i * 0.7);
    c.open[i] = data.open[i]! * f;
    c.close[i] = data.close[data.n - 1 - (i - k)]! * f;
    c.high[i] = Math.max(c.open[i]!, c.close[i]!) * 1.001;
    c.low[i] = Math.min(c.open[i]!, c.close[i]!) * 0.999;
    c.volume[i] = data.volume[i]! * 2;
  }
  return c;
}

describe("no look-ahead", () => {
  const prefixes = [1, 40, 500, 1234, 2999];

  it.each(NO_LOOKAHEAD_SPECS.map((s) => [JSON.stringify(s), s] as const))(
    "%s: a prefix of the bars yields the full run's signals before it, whatever follows",
    (_name, input) => {
      const full = run(build(input), data);
      let changedAfter = 0;
      for (const k of prefixes) {
        const before = full.filter((s) => s.i < k);
        expect(run(build(input), data, k), `prefix ${k}`).toEqual(before);
        const other = run(build(input), perturbedFrom(k));
        expect(other.filter((s) => s.i < k), `perturbed after ${k}`).toEqual(before);
        if (JSON.stringify(other.filter((s) => s.i >= k)) !== JSON.stringify(full.filter((s) => s.i >= k))) {
          changedAfter++;
        }
      }
      // The perturbation really does move later signals, so the equalities above are not vacuous.
      expect(changedAfter).toBeGreaterThanOrEqual(3);
    },
  );
});
