import { describe, expect, it } from "vitest";
import { bps, dec, isMultipleOf, plain, roundToStep, truncateToStep } from "../../src/domain/decimal.js";
import { fitQuantity, isValidPrice, notional, type MarketRules } from "../../src/domain/market.js";
import { canTransition, isOpen, ORDER_STATUSES } from "../../src/domain/order.js";

const BTC: MarketRules = {
  symbol: "BTC/USDT",
  base: "BTC",
  quote: "USDT",
  kind: "spot",
  contractSize: "1",
  amountStep: "0.00001",
  priceStep: "0.01",
  minAmount: "0.00001",
  maxAmount: "9000",
  minCost: "5",
  makerFeeBps: "10",
  takerFeeBps: "10",
};

describe("decimals", () => {
  it("adds without binary floating point error", () => {
    expect(plain(dec("0.1").plus("0.2"))).toBe("0.3");
    expect(plain(dec("114679.56").mul("0.015"))).toBe("1720.1934");
  });

  it("truncates toward zero on the step, for both signs", () => {
    expect(plain(truncateToStep("0.0159999", "0.001"))).toBe("0.015");
    expect(plain(truncateToStep("-0.0159999", "0.001"))).toBe("-0.015");
    expect(plain(truncateToStep("5", "2"))).toBe("4");
  });

  it("never rounds up on a step that is not a power of ten, even 60 digits deep", () => {
    // 7.999… (60 significant digits) / 2 rounds to 4 at 60 digits: flooring that would give 8.
    expect(plain(truncateToStep(`7.${"9".repeat(59)}`, "2"))).toBe("6");
    expect(plain(truncateToStep(`-7.${"9".repeat(59)}`, "2"))).toBe("-6");
    expect(plain(truncateToStep("10", "0.3"))).toBe("9.9");
  });

  it("rounds prices half-even to the tick", () => {
    expect(plain(roundToStep("100.005", "0.01"))).toBe("100");
    expect(plain(roundToStep("100.015", "0.01"))).toBe("100.02");
    expect(plain(roundToStep("100.016", "0.01"))).toBe("100.02");
  });

  it("prints plain text without exponents", () => {
    expect(plain("1e-8")).toBe("0.00000001");
    expect(plain("1.50")).toBe("1.5");
    expect(plain("-0")).toBe("0");
    expect(plain(bps(25))).toBe("0.0025");
    expect(isMultipleOf("0.00003", "0.00001")).toBe(true);
    expect(isMultipleOf("0.000035", "0.00001")).toBe(false);
  });
});

describe("fitQuantity", () => {
  const price = dec("100000");

  it("truncates to the amount step and says so, never rounding up", () => {
    const fit = fitQuantity(BTC, dec("0.000129"), price);
    expect(fit).toMatchObject({ ok: true, truncated: true });
    expect(fit.ok && plain(fit.quantity)).toBe("0.00012");
  });

  it("keeps an exact quantity untouched", () => {
    const fit = fitQuantity(BTC, dec("0.015"), price);
    expect(fit.ok && fit.truncated).toBe(false);
  });

  it("denies below the minimum notional instead of rounding up to it", () => {
    expect(fitQuantity(BTC, dec("0.00004"), price)).toEqual({ ok: false, reason: "NOTIONAL_BELOW_MIN", limit: "5" });
  });

  it("denies zero after truncation, and quantities over the maximum", () => {
    expect(fitQuantity(BTC, dec("0.000009"), price)).toEqual({ ok: false, reason: "QUANTITY_ZERO", limit: "0.00001" });
    expect(fitQuantity(BTC, dec("9001"), price)).toEqual({ ok: false, reason: "QUANTITY_ABOVE_MAX", limit: "9000" });
  });

  it("values derivatives by contract size", () => {
    const perp: MarketRules = { ...BTC, symbol: "BTC/USDT:USDT", kind: "swap", contractSize: "0.001", amountStep: "1", minAmount: "1", minCost: undefined };
    expect(plain(notional(perp, dec("3"), price))).toBe("300");
    expect(isValidPrice(BTC, dec("100000.01"))).toBe(true);
    expect(isValidPrice(BTC, dec("100000.001"))).toBe(false);
  });
});

describe("order lifecycle", () => {
  it("allows only forward transitions, and none out of a final state", () => {
    expect(canTransition("new", "submitted")).toBe(true);
    expect(canTransition("submitted", "partially_filled")).toBe(true);
    expect(canTransition("partially_filled", "filled")).toBe(true);
    expect(canTransition("filled", "cancelled")).toBe(false);
    expect(canTransition("cancelled", "submitted")).toBe(false);
    expect(canTransition("new", "filled")).toBe(false);
    expect(ORDER_STATUSES.filter(isOpen)).toEqual(["new", "submitted", "partially_filled"]);
  });
});
