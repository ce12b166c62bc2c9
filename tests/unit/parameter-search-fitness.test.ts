import { describe, expect, it } from "vitest";
import { compareRanked, DEFAULT_FITNESS, fitness, FitnessOptionsSchema, overfitHint } from "../../src/backtest/research/fitness.js";

const m = (profitFactor: number | null, winRate: number | null, maxDrawdown: number, trades: number) => ({ profitFactor, winRate, maxDrawdown, trades });

describe("fitness", () => {
  it("is 0.5 × min(PF, 3) / 3 + 0.2 × winRate − 0.3 × maxDrawdown by default", () => {
    expect(DEFAULT_FITNESS).toEqual({ weights: { profitFactor: 0.5, winRate: 0.2, maxDrawdown: 0.3 }, profitFactorCap: 3, minTrades: 10 });
    // 0.5 × 1.5 / 3 = 0.25; 0.2 × 0.4 = 0.08; 0.3 × 0.2 = 0.06.
    expect(fitness(m(1.5, 0.4, 0.2, 25))).toBeCloseTo(0.27, 12);
    // A losing strategy: 0.5 × 0.6 / 3 = 0.1; 0.2 × 0.3 = 0.06; 0.3 × 0.5 = 0.15.
    expect(fitness(m(0.6, 0.3, 0.5, 40))).toBeCloseTo(0.01, 12);
  });

  it("uses the weights and cap it is given", () => {
    const options = FitnessOptionsSchema.parse({ weights: { profitFactor: 1, winRate: 0, maxDrawdown: 2 }, profitFactorCap: 2 });
    // 1 × 1.5 / 2 − 2 × 0.1.
    expect(fitness(m(1.5, 0.9, 0.1, 10), options)).toBeCloseTo(0.55, 12);
  });

  it("caps the profit factor, counts a null one (no losing trade) as the cap, and all-flat trades as breakeven", () => {
    expect(fitness(m(10, 0.5, 0.1, 12))).toBe(fitness(m(3, 0.5, 0.1, 12)));
    expect(fitness(m(null, 1, 0.05, 12))).toBe(fitness(m(3, 1, 0.05, 12)));
    expect(fitness(m(null, 0, 0, 12))).toBe(fitness(m(1, 0, 0, 12)));
    expect(fitness(m(2.9, 0.5, 0.1, 12))).toBeLessThan(fitness(m(3, 0.5, 0.1, 12)) as number);
  });

  it("is null below minTrades, so too few trades are never judged", () => {
    expect(fitness(m(2, 0.6, 0.1, 9))).toBeNull();
    expect(fitness(m(2, 0.6, 0.1, 10))).not.toBeNull();
    expect(fitness(m(null, null, 0, 0), FitnessOptionsSchema.parse({ minTrades: 1 }))).toBeNull();
    expect(fitness(m(2, 0.6, 0.1, 1), FitnessOptionsSchema.parse({ minTrades: 1 }))).not.toBeNull();
  });

  it("refuses negative weights and a zero cap", () => {
    expect(FitnessOptionsSchema.safeParse({ weights: { maxDrawdown: -1 } }).success).toBe(false);
    expect(FitnessOptionsSchema.safeParse({ profitFactorCap: 0 }).success).toBe(false);
    expect(FitnessOptionsSchema.safeParse({ minTrades: 0 }).success).toBe(false);
  });
});

describe("ranking order", () => {
  const entries = [
    { key: '{"period":9}', fitness: null },
    { key: '{"period":3}', fitness: 0.2 },
    { key: '{"period":8}', fitness: 0.5 },
    { key: '{"period":1}', fitness: null },
    { key: '{"period":5}', fitness: 0.2 },
    { key: '{"period":2}', fitness: -0.1 },
    { key: '{"period":4}', fitness: 0.2 },
  ];
  const expected = ['{"period":8}', '{"period":3}', '{"period":4}', '{"period":5}', '{"period":2}', '{"period":1}', '{"period":9}'];

  it("puts higher fitness first, too few trades last, and breaks ties by the params text", () => {
    expect([...entries].sort(compareRanked).map((e) => e.key)).toEqual(expected);
  });

  it("gives the same order whatever order the runs finished in", () => {
    for (let shift = 0; shift < entries.length; shift++) {
      const rotated = [...entries.slice(shift), ...entries.slice(0, shift)];
      expect(rotated.sort(compareRanked).map((e) => e.key)).toEqual(expected);
      expect([...rotated].reverse().sort(compareRanked).map((e) => e.key)).toEqual(expected);
    }
  });
});

describe("overfit hint", () => {
  it("flags a drop of more than half the in-sample fitness, and at least 0.1", () => {
    expect(overfitHint(0.4, 0.25)).toEqual({ fitnessDrop: expect.closeTo(0.15, 12), overfit: false });
    expect(overfitHint(0.4, 0.19)).toEqual({ fitnessDrop: expect.closeTo(0.21, 12), overfit: true });
    // Near zero the absolute floor decides: a 0.08 drop is noise, 0.12 is not.
    expect(overfitHint(0.05, -0.03).overfit).toBe(false);
    expect(overfitHint(0.05, -0.07).overfit).toBe(true);
    // Better out of sample is never overfit.
    expect(overfitHint(0.2, 0.5)).toEqual({ fitnessDrop: expect.closeTo(-0.3, 12), overfit: false });
  });

  it("cannot judge when either side scored null", () => {
    expect(overfitHint(0.4, null)).toEqual({ fitnessDrop: null, overfit: null });
    expect(overfitHint(null, 0.4)).toEqual({ fitnessDrop: null, overfit: null });
  });
});
