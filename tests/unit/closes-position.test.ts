import { describe, expect, it } from "vitest";
import type { MarketRules } from "../../src/domain/market.js";
import { closesPosition } from "../../src/execution/live/resting-exits.js";

const ETH = { amountStep: "0.0001" } as MarketRules;

describe("closesPosition: whether an exit leaves less of the position than the market can trade", () => {
  it("all of it closes, long or short", () => {
    expect(closesPosition("0.0999", "0.0999", ETH)).toBe(true);
    expect(closesPosition("0.0999", "-0.0999", ETH)).toBe(true);
  });

  it("a close cut to the step still closes; a step's worth left does not", () => {
    expect(closesPosition("0.0999", "0.09995", ETH)).toBe(true);
    expect(closesPosition("0.0998", "0.0999", ETH)).toBe(false);
  });

  it("a partial exit does not close", () => {
    expect(closesPosition("0.05", "0.2", ETH)).toBe(false);
  });

  it("without the market's rules only all of it closes", () => {
    expect(closesPosition("0.0999", "0.09995", undefined)).toBe(false);
    expect(closesPosition("0.1", "0.1", undefined)).toBe(true);
  });
});
