import { describe, expect, it } from "vitest";
import { gridCandidates, randomCandidates, RANDOM_DRAWS_PER_SAMPLE } from "../../src/backtest/research/candidates.js";
import { parseParameterSpace, searchableParams } from "../../src/backtest/research/parameter-space.js";
import { ResearchInputError } from "../../src/backtest/research/research-error.js";
import type { BuiltinStrategySpec } from "../../src/strategy/builtin/registry.js";

const SMA: BuiltinStrategySpec = { type: "sma-cross", params: { fast: 10, slow: 30, allowShort: false } };
const RSI: BuiltinStrategySpec = { type: "rsi", params: { period: 14, oversold: 30, overbought: 75, allowShort: true } };

function grid(base: BuiltinStrategySpec, space: unknown, maxCandidates = 200) {
  return gridCandidates(base, parseParameterSpace(base.type, space), maxCandidates);
}

function random(base: BuiltinStrategySpec, space: unknown, samples: number, seed: number) {
  return randomCandidates(base, parseParameterSpace(base.type, space), samples, seed);
}

function thrown(fn: () => unknown): ResearchInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ResearchInputError) return err;
    throw err;
  }
  throw new Error("expected a ResearchInputError");
}

describe("searchable params", () => {
  it("are read from each strategy's own schema: whole numbers, numbers, booleans and enums, never an ensemble's members", () => {
    expect(searchableParams("rsi")).toEqual({ period: { kind: "int" }, oversold: { kind: "number" }, overbought: { kind: "number" }, allowShort: { kind: "boolean" } });
    expect(searchableParams("bollinger")).toEqual({ period: { kind: "int" }, stdDev: { kind: "number" }, exitAt: { kind: "enum", options: ["middle", "upper"] }, allowShort: { kind: "boolean" } });
    expect(searchableParams("ensemble")).toEqual({ threshold: { kind: "number" }, allowShort: { kind: "boolean" } });
  });
});

describe("grid enumeration", () => {
  it("lists the cartesian product in schema order, last param fastest, and skips and counts what the strategy refuses", () => {
    const set = grid(SMA, { slow: { min: 10, max: 30, step: 10 }, fast: [5, 10, 20] });
    expect(set.candidates.map((c) => [c.params.fast, c.params.slow])).toEqual([
      [5, 10],
      [5, 20],
      [5, 30],
      [10, 20],
      [10, 30],
      [20, 30],
    ]);
    expect(set.combinations).toBe(9);
    expect(set.invalid).toBe(3);
    expect(set.invalidReasons).toEqual({ "fast must be less than slow": 3 });
    // The key is the full params, sorted: the unmentioned param keeps the base's value.
    expect(set.candidates[0]?.key).toBe('{"allowShort":false,"fast":5,"slow":10}');
    expect(set.candidates[0]?.spec).toEqual({ type: "sma-cross", params: { fast: 5, slow: 10, allowShort: false } });
  });

  it("keeps the base spec's value for every param the space leaves out", () => {
    const set = grid(RSI, { period: [10, 20] });
    expect(set.candidates.map((c) => c.params)).toEqual([
      { period: 10, oversold: 30, overbought: 75, allowShort: true },
      { period: 20, oversold: 30, overbought: 75, allowShort: true },
    ]);
  });

  it("an empty space is the base spec alone", () => {
    const set = grid(RSI, {});
    expect(set.combinations).toBe(1);
    expect(set.candidates.map((c) => c.params)).toEqual([RSI.params]);
  });

  it("walks a fractional step in exact decimals and a whole-number range in steps of 1 by default", () => {
    const set = grid(RSI, { oversold: { min: 0.1, max: 0.5, step: 0.1 }, period: { min: 2, max: 4 } });
    expect(set.candidates.filter((c) => c.params.period === 2).map((c) => c.params.oversold)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(new Set(set.candidates.map((c) => c.params.period))).toEqual(new Set([2, 3, 4]));
    expect(set.candidates).toHaveLength(15);
  });

  it("drops repeated list values, and enumerates booleans and enums", () => {
    const set = grid({ type: "bollinger", params: { period: 20, stdDev: 2, exitAt: "middle", allowShort: false } }, { period: [20, 20, 10], exitAt: ["upper", "middle"], allowShort: [true] });
    expect(set.combinations).toBe(4);
    expect(set.candidates.map((c) => [c.params.period, c.params.exitAt, c.params.allowShort])).toEqual([
      [20, "upper", true],
      [20, "middle", true],
      [10, "upper", true],
      [10, "middle", true],
    ]);
  });

  it("refuses a grid whose product exceeds maxCandidates before running anything, and allows it at the cap", () => {
    const space = { fast: { min: 1, max: 15 }, slow: { min: 16, max: 30 } };
    const err = thrown(() => grid(SMA, space, 224));
    expect(err.code).toBe("TOO_MANY_CANDIDATES");
    expect(err.message).toContain("225 combinations (fast 15 × slow 15)");
    expect(err.message).toContain("at most 224");
    expect(grid(SMA, space, 225).candidates).toHaveLength(225);
  });

  it("needs a step for a grid over a param that is not a whole number", () => {
    const err = thrown(() => grid(RSI, { oversold: { min: 20, max: 30 } }));
    expect(err.code).toBe("SPACE_INVALID");
    expect(err.issues).toEqual([{ path: "space.oversold.step", message: expect.stringContaining("required") }]);
  });
});

describe("space validation", () => {
  it.each([
    [{ fast: [1], speed: [2] }, "space", "sma-cross has no searchable param speed"],
    [{ fast: [2.5] }, "space.fast", "whole numbers"],
    [{ fast: { min: 1, max: 9, step: 0.5 } }, "space.fast", "whole numbers"],
    [{ fast: { min: 9, max: 1 } }, "space.fast", "min must not exceed max"],
    [{ fast: [] }, "space.fast", "whole numbers"],
    [{ allowShort: ["yes"] }, "space.allowShort.0", "boolean"],
  ])("refuses %j at its path", (space, path, message) => {
    const err = thrown(() => parseParameterSpace("sma-cross", space));
    expect(err.code).toBe("SPACE_INVALID");
    expect(err.issues[0]?.path).toBe(path);
    expect(err.issues[0]?.message).toContain(message);
  });

  it("refuses an enum value the strategy does not have and an ensemble's members", () => {
    expect(thrown(() => parseParameterSpace("bollinger", { exitAt: ["lower"] })).issues[0]?.path).toBe("space.exitAt.0");
    expect(thrown(() => parseParameterSpace("ensemble", { members: [[]] })).message).toContain("no searchable param members");
  });
});

describe("random sampling", () => {
  const space = { period: { min: 5, max: 30 }, oversold: { min: 20, max: 35 }, overbought: { min: 60, max: 80, step: 2.5 }, allowShort: [true, false] };

  it("draws the same candidates for the same seed and others for another seed", () => {
    const a = random(RSI, space, 20, 42);
    const b = random(RSI, space, 20, 42);
    const c = random(RSI, space, 20, 43);
    expect(b.candidates.map((x) => x.key)).toEqual(a.candidates.map((x) => x.key));
    expect(c.candidates.map((x) => x.key)).not.toEqual(a.candidates.map((x) => x.key));
    expect(a.candidates).toHaveLength(20);
  });

  it("stays within bounds, keeps whole numbers whole and stepped values on their lattice", () => {
    const { candidates } = random(RSI, space, 200, 7);
    expect(candidates).toHaveLength(200);
    for (const { params } of candidates) {
      const { period, oversold, overbought } = params as { period: number; oversold: number; overbought: number };
      expect(Number.isInteger(period)).toBe(true);
      expect(period).toBeGreaterThanOrEqual(5);
      expect(period).toBeLessThanOrEqual(30);
      expect(oversold).toBeGreaterThanOrEqual(20);
      expect(oversold).toBeLessThan(35);
      expect([60, 62.5, 65, 67.5, 70, 72.5, 75, 77.5, 80]).toContain(overbought);
    }
    // 200 draws over 26 whole periods reach both ends and leave no period out.
    expect(new Set(candidates.map((c) => c.params.period)).size).toBe(26);
    // Continuous: not stuck on whole numbers.
    expect(candidates.some((c) => !Number.isInteger(c.params.oversold))).toBe(true);
  });

  it("skips and counts draws the strategy refuses, and never returns one", () => {
    const set = random(SMA, { fast: { min: 1, max: 40 }, slow: { min: 2, max: 40 } }, 50, 3);
    expect(set.candidates).toHaveLength(50);
    expect(set.invalid).toBeGreaterThan(0);
    expect(set.invalidReasons["fast must be less than slow"]).toBe(set.invalid);
    expect(set.combinations).toBe(50 + set.invalid + set.duplicates);
    for (const { params } of set.candidates) expect(params.fast as number).toBeLessThan(params.slow as number);
    expect(new Set(set.candidates.map((c) => c.key)).size).toBe(50);
  });

  it("stops when a finite space is exhausted, and after a bounded number of draws", () => {
    const small = random(RSI, { period: [10, 14], allowShort: [true, false] }, 10, 1);
    expect(small.candidates).toHaveLength(4);
    expect(small.combinations).toBe(4 + small.duplicates);
    // Only fast 1 and 2 are below slow 3, so 5 samples cannot be found: the draw budget ends the search.
    const narrow = random(SMA, { fast: { min: 1, max: 100 }, slow: [3] }, 5, 1);
    expect(narrow.combinations).toBe(5 * RANDOM_DRAWS_PER_SAMPLE);
    expect(narrow.candidates.length + narrow.invalid + narrow.duplicates).toBe(narrow.combinations);
    expect(narrow.candidates.length).toBeLessThanOrEqual(2);
    for (const { params } of narrow.candidates) expect(params.fast as number).toBeLessThan(3);
  });
});
