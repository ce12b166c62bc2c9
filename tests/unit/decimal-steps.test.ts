/**
 * The step helpers take a shortcut for power-of-ten steps (rounding to k places instead of a 60-digit
 * division). These properties hold them to the general formula, on both signs, for every kind of step.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dec, isMultipleOf, plain, roundToStep, truncateToStep } from "../../src/domain/decimal.js";

// By the general formula: floor / round half-even of value / step, times step.
const truncatedByDivision = (v: string, s: string) => dec(v).abs().div(s).floor().mul(s).mul(dec(v).isNeg() ? -1 : 1);
const roundedByDivision = (v: string, s: string) => dec(v).div(s).toDecimalPlaces(0, 6).mul(s);

const powerOfTenStep = fc.integer({ min: -3, max: 8 }).map((k) => plain(dec(10).pow(-k)));
const otherStep = fc.constantFrom("0.5", "0.25", "5", "0.0025", "3", "0.02", "20", "0.000015");
const value = fc
  .tuple(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), fc.integer({ min: 0, max: 12 }))
  .map(([units, scale]) => plain(dec(units.toString()).div(dec(10).pow(scale))));

describe("step helpers", () => {
  it("truncate, round and test multiples exactly as the general formula does, for every step", () => {
    fc.assert(
      fc.property(value, fc.oneof(powerOfTenStep, otherStep), (v, s) => {
        expect(truncateToStep(v, s).eq(truncatedByDivision(v, s))).toBe(true);
        expect(roundToStep(v, s).eq(roundedByDivision(v, s))).toBe(true);
        expect(isMultipleOf(v, s)).toBe(dec(v).mod(s).isZero());
      }),
      { numRuns: 3000 },
    );
  });

  it("never rounds a quantity up: a truncated value is at most the value, by less than one step", () => {
    fc.assert(
      fc.property(value, powerOfTenStep, (v, s) => {
        const t = truncateToStep(v, s);
        expect(t.abs().lte(dec(v).abs())).toBe(true);
        expect(dec(v).abs().minus(t.abs()).lt(s)).toBe(true);
      }),
    );
  });

  it("reads back what plain() wrote as the same value", () => {
    fc.assert(
      fc.property(value, (v) => {
        const exact = dec(v).mul("1.5");
        expect(dec(plain(exact)).eq(exact)).toBe(true);
      }),
    );
  });
});
