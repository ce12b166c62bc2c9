import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Bar, BarStrategy, StrategySignal } from "../../src/strategy/builtin/bar-strategy.js";
import {
  BuiltinStrategySpecSchema,
  createBarStrategy,
  type BuiltinStrategySpecInput,
  type MemberSpecInput,
} from "../../src/strategy/builtin/registry.js";

type Recorded = { readonly i: number } & StrategySignal;

function run(strategy: BarStrategy, closes: ArrayLike<number>): Recorded[] {
  const bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const out: Recorded[] = [];
  for (let i = 0; i < closes.length; i++) {
    bar.time = i * 60_000;
    bar.open = bar.high = bar.low = bar.close = closes[i]!;
    const s = strategy.onBar(bar);
    if (s !== null) out.push({ i, ...s });
  }
  return out;
}

const build = (input: BuiltinStrategySpecInput) => createBarStrategy(BuiltinStrategySpecSchema.parse(input));
const brief = (signals: Recorded[]) =>
  signals.map((s) => ({ i: s.i, intent: s.intent, confidence: s.confidence }));

/*
 * sma-cross with fast 1 compares the close with the mean of the last `slow` closes, so its
 * crossings can be worked out by hand. With slow 2 the difference has the sign of c[t] − c[t−1];
 * with slow 3 that of 2c[t] − c[t−1] − c[t−2]; with slow 4 of 3c[t] − c[t−1] − c[t−2] − c[t−3].
 */
const S12 = { type: "sma-cross", params: { fast: 1, slow: 2 } } as const;
const S13 = { type: "sma-cross", params: { fast: 1, slow: 3 } } as const;
const S14 = { type: "sma-cross", params: { fast: 1, slow: 4 } } as const;

describe("ensemble votes on synthetic bars", () => {
  // idx:          0   1   2   3   4   5     6   7
  const dip = [10, 10, 10, 10, 11, 12, 11.5, 12.5];
  // (1,2): 0 0 0 + + − + from idx 1: opens long at 4, closes at 6, opens again at 7.
  // (1,3): 0 0 + + 0 + from idx 2 (at 6: 23 − 12 − 11 = 0): opens long at 4 and, from 0, again
  // at 7 (25 − 11.5 − 12 > 0); it never leaves the long.

  it("members as the hand computation says", () => {
    expect(brief(run(build(S12), dip)).map((s) => `${s.i} ${s.intent.action}`)).toEqual(["4 open", "6 close", "7 open"]);
    expect(brief(run(build(S13), dip)).map((s) => `${s.i} ${s.intent.action}`)).toEqual(["4 open", "7 open"]);
  });

  it("threshold 1: both must be long; one leaving closes the ensemble, its return reopens it", () => {
    const got = run(build({ type: "ensemble", params: { members: [S12, S13], threshold: 1 } }), dip);
    expect(brief(got)).toEqual([
      { i: 4, intent: { action: "open", side: "long" }, confidence: 1 },
      { i: 6, intent: { action: "close", side: "long" }, confidence: 0.5 },
      { i: 7, intent: { action: "open", side: "long" }, confidence: 1 },
    ]);
    expect(got[1]!.comment).toBe("long 1/2 < 1: sma-cross(1,2) flat, sma-cross(1,3) long");
  });

  it("threshold 0.5: half the members long keeps the ensemble long", () => {
    const got = run(build({ type: "ensemble", params: { members: [S12, S13] } }), dip);
    expect(brief(got)).toEqual([{ i: 4, intent: { action: "open", side: "long" }, confidence: 1 }]);
  });

  it("one member of two going long opens at threshold 0.5 with confidence 0.5, not at 1", () => {
    // idx 3 falls: both members signal close (already flat). idx 4: (1,2) sees a rise and opens;
    // (1,3) sees 2·9.5 − 9 − 10 = 0, no cross, so it stays flat.
    const closes = [10, 10, 10, 9, 9.5];
    const half = run(build({ type: "ensemble", params: { members: [S12, S13], threshold: 0.5 } }), closes);
    expect(brief(half)).toEqual([{ i: 4, intent: { action: "open", side: "long" }, confidence: 0.5 }]);
    expect(half[0]!.comment).toBe("long 1/2 >= 0.5: sma-cross(1,2) long, sma-cross(1,3) flat");
    expect(run(build({ type: "ensemble", params: { members: [S12, S13], threshold: 1 } }), closes)).toEqual([]);
  });

  describe("three members, two of which may go short", () => {
    // idx:        0   1   2   3   4   5   6   7   8   9   10  11
    const hump = [10, 10, 10, 10, 10, 11, 12, 13, 12, 11, 10, 9];
    // (1,2) short: long at 5, short at 8.  (1,3) short: long at 5, short at 8 (24 − 13 − 12 = −1).
    // (1,4) long only: long at 5; at 8 3·12 − 13 − 12 − 11 = 0, no cross; closes at 9 (33 − 37 < 0).
    const members = [
      { type: "sma-cross", params: { fast: 1, slow: 2, allowShort: true } },
      { type: "sma-cross", params: { fast: 1, slow: 3, allowShort: true } },
      S14,
    ] as const;

    it("members as the hand computation says", () => {
      const at = (spec: BuiltinStrategySpecInput) => run(build(spec), hump).map((s) => `${s.i} ${s.intent.action} ${s.intent.side}`);
      expect(at(members[0])).toEqual(["5 open long", "8 open short"]);
      expect(at(members[1])).toEqual(["5 open long", "8 open short"]);
      expect(at(members[2])).toEqual(["5 open long", "9 close long"]);
    });

    it("with shorts: all long opens long, two of three short reverses to short", () => {
      const got = run(build({ type: "ensemble", params: { members: [...members], threshold: 0.6, allowShort: true } }), hump);
      expect(brief(got)).toEqual([
        { i: 5, intent: { action: "open", side: "long" }, confidence: 1 },
        { i: 8, intent: { action: "open", side: "short" }, confidence: 2 / 3 },
      ]);
      expect(got[1]!.comment).toBe("short 2/3 >= 0.6: sma-cross(1,2) short, sma-cross(1,3) short, sma-cross(1,4) long");
    });

    it("long only: the same votes close the long instead, and short members never open anything", () => {
      const got = run(build({ type: "ensemble", params: { members: [...members], threshold: 0.6 } }), hump);
      expect(brief(got)).toEqual([
        { i: 5, intent: { action: "open", side: "long" }, confidence: 1 },
        { i: 8, intent: { action: "close", side: "long" }, confidence: 2 / 3 },
      ]);
    });

    it("a short reverses when the long share reaches the threshold, and closes when only its own share falls", () => {
      const spec: BuiltinStrategySpecInput = { type: "ensemble", params: { members: [...members], threshold: 0.6, allowShort: true } };
      // Up to 10 at idx 12: (1,2) and (1,3) both open long (2·10 − 9 − 10 = 1 > 0), (1,4) stays flat
      // (3·10 − 30 = 0): longs 2/3 ≥ 0.6, the short becomes a long in one signal.
      const reversed = run(build(spec), [...hump, 10]);
      expect(brief(reversed).slice(2)).toEqual([{ i: 12, intent: { action: "open", side: "long" }, confidence: 2 / 3 }]);
      // Up to 9.2 only: (1,2) opens long, (1,3) stays short (18.4 − 19 < 0), (1,4) stays flat:
      // shorts 1/3 and longs 1/3, both below 0.6, so the short is closed and nothing opens.
      const closed = run(build(spec), [...hump, 9.2]);
      expect(brief(closed).slice(2)).toEqual([{ i: 12, intent: { action: "close", side: "short" }, confidence: 2 / 3 }]);
    });

    it("threshold 1 needs every member: (1,4) going flat at 9 keeps the short share at 2/3", () => {
      const strict = run(build({ type: "ensemble", params: { members: [...members], threshold: 1, allowShort: true } }), hump);
      expect(brief(strict)).toEqual([
        { i: 5, intent: { action: "open", side: "long" }, confidence: 1 },
        { i: 8, intent: { action: "close", side: "long" }, confidence: 2 / 3 },
      ]);
    });
  });
});

describe("ensemble on BTCUSDT 1h against its members run alone", () => {
  const text = readFileSync(new URL("../fixtures/ohlcv/binance_BTCUSDT_1h_head3000.csv", import.meta.url), "utf8");
  const closes = text.trim().split("\n").slice(1).map((r) => Number(r.split(",")[4]));

  it.each([
    [0.5, false],
    [0.6, true],
    [1, true],
  ])("threshold %f, allowShort %s", (threshold, allowShort) => {
    const members: MemberSpecInput[] = [
      { type: "rsi", params: { period: 7, allowShort: true } },
      { type: "macd", params: { allowShort: true } },
      { type: "bollinger", params: { allowShort: true } },
    ];
    // Each member alone, then its stance bar by bar, then the vote rule written out here.
    const stance = members.map((m) => {
      const s = new Int8Array(closes.length);
      let cur = 0;
      const signals = new Map(run(build(m), closes).map((r) => [r.i, r.intent]));
      for (let i = 0; i < closes.length; i++) {
        const intent = signals.get(i);
        if (intent) cur = intent.action === "close" ? 0 : intent.side === "long" ? 1 : -1;
        s[i] = cur;
      }
      return s;
    });
    const expected: string[] = [];
    type Stance = "long" | "short" | "flat";
    let state = "flat" as Stance;
    for (let i = 0; i < closes.length; i++) {
      const longs = stance.filter((s) => s[i] === 1).length / members.length;
      const shorts = stance.filter((s) => s[i] === -1).length / members.length;
      const wantLong = longs >= threshold;
      const wantShort = allowShort && shorts >= threshold;
      let next: Stance = state;
      if (state === "long" && !wantLong) next = wantShort ? "short" : "flat";
      else if (state === "short" && !wantShort) next = wantLong ? "long" : "flat";
      else if (state === "flat" && wantLong !== wantShort) next = wantLong ? "long" : "short";
      if (next !== state) expected.push(next === "flat" ? `${i} close ${state}` : `${i} open ${next}`);
      state = next;
    }

    const got = run(build({ type: "ensemble", params: { members, threshold, allowShort } }), closes);
    expect(got.map((s) => `${s.i} ${s.intent.action} ${s.intent.side}`)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
    const kinds = new Set(expected.map((e) => e.split(" ").slice(1).join(" ")));
    expect(kinds).toEqual(new Set(allowShort ? ["open long", "open short", "close long", "close short"] : ["open long", "close long"]));
    for (const s of got) {
      expect(s.comment).toMatch(/^(long|short) \d\/3 (>=|<) [\d.]+: rsi\(7\) \w+, macd\(12,26,9\) \w+, bollinger\(20,2\) \w+$/);
    }
  });
});
