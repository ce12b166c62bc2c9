import { describe, expect, it } from "vitest";
import type { Quantity } from "../../src/domain/signal.js";
import { sizeOrder, SizingPolicySchema, type SizingInput, type SizingPolicy, type SizingResult } from "../../src/risk/sizing.js";
import { BTC, BTC_PERP } from "./risk-fixtures.js";

const policy = (p: unknown): SizingPolicy => SizingPolicySchema.parse(p);

function size(overrides: Partial<SizingInput>): SizingResult {
  return sizeOrder({ policy: policy({ type: "fixed_quote", notional: "1000" }), referencePrice: "50000", equity: "20000", positionQuantity: "0", rules: BTC, ...overrides });
}

function quantityOf(result: SizingResult): string {
  if (!result.ok) throw new Error(`expected a size, got ${result.reason}: ${result.detail}`);
  return result.quantity.toFixed();
}

const signal = (value: string, unit: Quantity["unit"]): Quantity => ({ value, unit });

describe("sizing policies (spot BTC/USDT at 50 000, equity 20 000, step 0.001)", () => {
  it("fixed_base: 0.0125 BTC truncates to 0.012, never up to 0.013", () => {
    const result = size({ policy: policy({ type: "fixed_base", quantity: "0.0125" }) });
    expect(quantityOf(result)).toBe("0.012");
    expect(result).toMatchObject({ truncated: true, source: "policy" });
  });

  it("fixed_quote: 1 000 USDT at 50 000 is exactly 0.02; at 30 000 it is 0.0333… → 0.033", () => {
    expect(quantityOf(size({}))).toBe("0.02");
    expect(quantityOf(size({ referencePrice: "30000" }))).toBe("0.033");
  });

  it("percent_equity: 10 % of 20 000 = 2 000 USDT, / 50 000 = 0.04", () => {
    expect(quantityOf(size({ policy: policy({ type: "percent_equity", percent: "10" }) }))).toBe("0.04");
  });

  it("risk_percent: 1 % of 20 000 = 200 at risk over a 1 000 stop distance = 0.2, long or short", () => {
    const riskPercent = policy({ type: "risk_percent", percent: "1" });
    expect(quantityOf(size({ policy: riskPercent, stopPrice: "49000" }))).toBe("0.2");
    expect(quantityOf(size({ policy: riskPercent, stopPrice: "51000" }))).toBe("0.2");
    // 200 / 1 500 = 0.1333… → 0.133.
    expect(quantityOf(size({ policy: riskPercent, stopPrice: "48500" }))).toBe("0.133");
  });

  it("a limit entry is sized at its limit: the stop's loss and the notional are what the fill pays", () => {
    const riskPercent = policy({ type: "risk_percent", percent: "1" });
    // Limit 50 500, stop 49 500: 200 at risk over 1 000, not over the reference's 500 (0.4, a 2 % loss).
    expect(quantityOf(size({ policy: riskPercent, entryPrice: "50500", stopPrice: "49500" }))).toBe("0.2");
    // 1 000 USDT at a 40 000 limit buys 0.025, not the 0.02 the 50 000 reference would give.
    expect(quantityOf(size({ entryPrice: "40000" }))).toBe("0.025");
    expect(size({ entryPrice: "0" })).toMatchObject({ ok: false, reason: "SIZING_INPUT_INVALID" });
  });
});

describe("sizing policies on a perpetual (contracts of 0.001 BTC, whole contracts)", () => {
  const perp = (overrides: Partial<SizingInput>) => size({ rules: BTC_PERP, ...overrides });

  it("fixed_base: 0.0255 BTC is 25.5 contracts → 25", () => {
    expect(quantityOf(perp({ policy: policy({ type: "fixed_base", quantity: "0.0255" }) }))).toBe("25");
  });

  it("fixed_quote: 1 000 USDT at 50 000 = 0.02 BTC = 20 contracts", () => {
    expect(quantityOf(perp({}))).toBe("20");
  });

  it("risk_percent: 200 at risk / 1 000 distance = 0.2 BTC = 200 contracts", () => {
    expect(quantityOf(perp({ policy: policy({ type: "risk_percent", percent: "1" }), stopPrice: "49000" }))).toBe("200");
  });
});

describe("the signal's own quantity overrides the policy", () => {
  const riskPercent = policy({ type: "risk_percent", percent: "1" });

  it("base: 0.5 BTC, whatever the policy, and without the stop risk_percent would need", () => {
    const result = size({ policy: riskPercent, signalQuantity: signal("0.5", "base") });
    expect(quantityOf(result)).toBe("0.5");
    expect(result).toMatchObject({ source: "signal", truncated: false });
  });

  it("quote: 250 USDT at 50 000 = 0.005", () => {
    expect(quantityOf(size({ signalQuantity: signal("250", "quote") }))).toBe("0.005");
  });

  it("percent_equity: 25 % of 20 000 = 5 000 USDT = 0.1", () => {
    expect(quantityOf(size({ signalQuantity: signal("25", "percent_equity") }))).toBe("0.1");
  });

  it("percent_position: 50 % of a 0.3 short = 0.15; 33 % of 0.1 = 0.033", () => {
    expect(quantityOf(size({ signalQuantity: signal("50", "percent_position"), positionQuantity: "-0.3" }))).toBe("0.15");
    expect(quantityOf(size({ signalQuantity: signal("33", "percent_position"), positionQuantity: "0.1" }))).toBe("0.033");
  });

  it("base on a perpetual: 0.0505 BTC = 50.5 contracts → 50", () => {
    expect(quantityOf(size({ rules: BTC_PERP, signalQuantity: signal("0.0505", "base") }))).toBe("50");
  });
});

describe("sizing denials: missing inputs are never guessed", () => {
  const denial = (result: SizingResult) => (result.ok ? { ok: true } : { reason: result.reason, limit: result.limit });

  it("REFERENCE_PRICE_MISSING without a positive reference price, whatever the policy", () => {
    expect(denial(size({ referencePrice: undefined }))).toEqual({ reason: "REFERENCE_PRICE_MISSING", limit: undefined });
    expect(denial(size({ referencePrice: "0", policy: policy({ type: "fixed_base", quantity: "1" }) }))).toEqual({ reason: "REFERENCE_PRICE_MISSING", limit: undefined });
  });

  it("STOP_PRICE_MISSING for risk_percent without a stop", () => {
    expect(denial(size({ policy: policy({ type: "risk_percent", percent: "1" }) }))).toEqual({ reason: "STOP_PRICE_MISSING", limit: undefined });
  });

  it("STOP_DISTANCE_ZERO when the stop is the reference price", () => {
    expect(denial(size({ policy: policy({ type: "risk_percent", percent: "1" }), stopPrice: "50000.00" }))).toEqual({ reason: "STOP_DISTANCE_ZERO", limit: undefined });
  });

  it("POSITION_FLAT for percent_position with no position", () => {
    expect(denial(size({ signalQuantity: signal("50", "percent_position"), positionQuantity: "0" }))).toEqual({ reason: "POSITION_FLAT", limit: undefined });
  });

  it("EQUITY_NOT_POSITIVE for equity-based sizes on an account with no equity", () => {
    expect(denial(size({ policy: policy({ type: "percent_equity", percent: "10" }), equity: "0" }))).toEqual({ reason: "EQUITY_NOT_POSITIVE", limit: undefined });
    expect(denial(size({ policy: policy({ type: "risk_percent", percent: "1" }), stopPrice: "49000", equity: "-5" }))).toEqual({ reason: "EQUITY_NOT_POSITIVE", limit: undefined });
  });

  it("SIZING_INPUT_INVALID for a percent above 100 or an unreadable equity", () => {
    expect(denial(size({ signalQuantity: signal("150", "percent_equity") }))).toEqual({ reason: "SIZING_INPUT_INVALID", limit: undefined });
    expect(denial(size({ policy: policy({ type: "percent_equity", percent: "10" }), equity: "n/a" }))).toEqual({ reason: "SIZING_INPUT_INVALID", limit: undefined });
  });

  it("UNKNOWN_MARKET when the rules carry no usable contract size", () => {
    expect(denial(size({ rules: { ...BTC, contractSize: "0" } }))).toEqual({ reason: "UNKNOWN_MARKET", limit: undefined });
  });

  it("passes the market's limits on: zero, below and above the amount, below the cost", () => {
    // 4 USDT at 50 000 = 0.00008 BTC: nothing left after truncating to 0.001.
    expect(denial(size({ policy: policy({ type: "fixed_quote", notional: "4" }) }))).toEqual({ reason: "QUANTITY_ZERO", limit: "amountStep=0.001" });
    expect(denial(size({ policy: policy({ type: "fixed_base", quantity: "0.005" }), rules: { ...BTC, minAmount: "0.01" } }))).toEqual({ reason: "QUANTITY_BELOW_MIN", limit: "minAmount=0.01" });
    expect(denial(size({ policy: policy({ type: "fixed_base", quantity: "150" }) }))).toEqual({ reason: "QUANTITY_ABOVE_MAX", limit: "maxAmount=100" });
    // 0.001 BTC at 4 000 = 4 USDT < minCost 5.
    expect(denial(size({ policy: policy({ type: "fixed_base", quantity: "0.001" }), referencePrice: "4000" }))).toEqual({ reason: "NOTIONAL_BELOW_MIN", limit: "minCost=5" });
    // 30 BTC at 50 000 = 1 500 000 > maxCost 1 000 000.
    expect(denial(size({ policy: policy({ type: "fixed_base", quantity: "30" }) }))).toEqual({ reason: "NOTIONAL_ABOVE_MAX", limit: "maxCost=1000000" });
  });
});

describe("SizingPolicySchema", () => {
  it("accepts numbers as exact decimal text", () => {
    expect(SizingPolicySchema.parse({ type: "fixed_quote", notional: 250.5 })).toEqual({ type: "fixed_quote", notional: "250.5" });
  });

  it.each([
    { type: "fixed_base", quantity: "0" },
    { type: "fixed_base", quantity: "-1" },
    { type: "percent_equity", percent: "0" },
    { type: "risk_percent", percent: "100.01" },
    { type: "martingale", factor: "2" },
  ])("rejects %o", (input) => {
    expect(SizingPolicySchema.safeParse(input).success).toBe(false);
  });
});
