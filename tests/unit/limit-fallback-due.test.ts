import { describe, expect, it } from "vitest";
import type { WorkingLimitRow } from "../../src/db/repositories/expired-limits-repository.js";
import type { StoredOrder } from "../../src/db/repositories/trading-repository.js";
import { StrategyConfigSchema } from "../../src/domain/strategy-config.js";
import { dueFallbacks, fallbackLeg, isDue, unfilledRemainder } from "../../src/execution/limit-fallback/due.js";

const PLACED = new Date("2025-03-01T12:00:00.000Z");
const at = (seconds: number) => new Date(PLACED.getTime() + seconds * 1000);

function order(overrides: Partial<StoredOrder> = {}): StoredOrder {
  return {
    id: "ord_1",
    clientOrderId: "sgabc",
    accountId: "acc_paper",
    strategyId: "stg_1",
    signalId: "sig_1",
    leg: 0,
    symbol: "XRP/USDT",
    side: "buy",
    kind: "limit",
    role: "entry",
    quantity: "100",
    limitPrice: "2.475",
    stopPrice: null,
    reduceOnly: false,
    parentOrderId: null,
    stopLossPrice: null,
    takeProfitPrice: null,
    status: "submitted",
    filledQuantity: "0",
    averageFillPrice: null,
    venueOrderId: "ord_1",
    rejectReason: null,
    createdAt: PLACED,
    updatedAt: PLACED,
    ...overrides,
  };
}

const row = (config: unknown, overrides: Partial<StoredOrder> = {}, enabled = true): WorkingLimitRow => ({
  order: order(overrides),
  strategyConfig: config,
  strategyEnabled: enabled,
});

describe("the limitFallback option", () => {
  it("is off by default, and `to` defaults to market", () => {
    expect(StrategyConfigSchema.parse({}).limitFallback).toBeNull();
    expect(StrategyConfigSchema.parse({ limitFallback: { afterSeconds: 30 } }).limitFallback).toEqual({ afterSeconds: 30, to: "market" });
  });

  it("reports every violation at once", () => {
    const result = StrategyConfigSchema.safeParse({ limitFallback: { afterSeconds: 0.5, to: "limit", when: "now" }, mode: "yolo" });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["limitFallback.afterSeconds", "limitFallback.to", "limitFallback", "mode"]));
  });

  it.each([0, 86_401, -5, "30"])("refuses afterSeconds %s", (afterSeconds) => {
    expect(StrategyConfigSchema.safeParse({ limitFallback: { afterSeconds } }).success).toBe(false);
  });

  it.each([1, 86_400])("accepts afterSeconds %s", (afterSeconds) => {
    expect(StrategyConfigSchema.safeParse({ limitFallback: { afterSeconds, to: "cancel" } }).success).toBe(true);
  });
});

describe("which resting limits are due", () => {
  it("is due exactly when afterSeconds have passed since the order was placed", () => {
    expect(isDue(PLACED, 30, at(29.999))).toBe(false);
    expect(isDue(PLACED, 30, at(30))).toBe(true);
    expect(isDue(PLACED, 30, at(3600))).toBe(true);
  });

  it("reads each strategy's own timeout, skipping strategies with none", () => {
    const rows = [
      row({ limitFallback: { afterSeconds: 10 } }, { id: "ord_short" }),
      row({ limitFallback: { afterSeconds: 60, to: "cancel" } }, { id: "ord_long" }),
      row({ limitFallback: null }, { id: "ord_off" }),
      row({}, { id: "ord_default" }),
    ];
    expect(dueFallbacks(rows, at(30), "paper").map((d) => d.order.id)).toEqual(["ord_short"]);
    const later = dueFallbacks(rows, at(60), "paper");
    expect(later.map((d) => [d.order.id, d.fallback.to])).toEqual([
      ["ord_short", "market"],
      ["ord_long", "cancel"],
    ]);
  });

  it("carries the strategy's risk limits for the replacement", () => {
    const [due] = dueFallbacks([row({ limitFallback: { afterSeconds: 1 }, riskLimits: { maxOrderNotional: "50" } })], at(1), "paper");
    expect(due?.limits.maxOrderNotional).toBe("50");
    expect(due?.limits.maxOpenPositions).toBe(5);
  });

  it("lets only an enabled strategy in the mode of the order's venue send a replacement", () => {
    const rows = [
      row({ limitFallback: { afterSeconds: 1 } }, { id: "ord_paper" }),
      row({ limitFallback: { afterSeconds: 1 }, mode: "disabled" }, { id: "ord_mode_disabled" }),
      row({ limitFallback: { afterSeconds: 1 }, mode: "live" }, { id: "ord_live" }),
      row({ limitFallback: { afterSeconds: 1 } }, { id: "ord_disabled" }, false),
    ];
    expect(dueFallbacks(rows, at(5), "paper").map((d) => [d.order.id, d.mayTrade])).toEqual([
      ["ord_paper", true],
      ["ord_mode_disabled", false],
      ["ord_live", false],
      ["ord_disabled", false],
    ]);
    // On an exchange account the live strategy trades, and a paper one no longer may.
    expect(dueFallbacks(rows, at(5), "live").map((d) => [d.order.id, d.mayTrade])).toEqual([
      ["ord_paper", false],
      ["ord_mode_disabled", false],
      ["ord_live", true],
      ["ord_disabled", false],
    ]);
  });

  it("acts on nothing when the stored configuration no longer parses (fail closed)", () => {
    expect(dueFallbacks([row({ limitFallback: { afterSeconds: "soon" } })], at(3600), "paper")).toEqual([]);
  });
});

describe("the replacement", () => {
  it("is for the exact unfilled remainder, never rounded", () => {
    expect(unfilledRemainder({ quantity: "100", filledQuantity: "0" }).toFixed()).toBe("100");
    expect(unfilledRemainder({ quantity: "0.003", filledQuantity: "0.001" }).toFixed()).toBe("0.002");
    expect(unfilledRemainder({ quantity: "1.1", filledQuantity: "0.3" }).toFixed()).toBe("0.8");
    expect(unfilledRemainder({ quantity: "5", filledQuantity: "5" }).isZero()).toBe(true);
    expect(unfilledRemainder({ quantity: "5", filledQuantity: "6" }).isZero()).toBe(true);
  });

  it("takes a leg no plan uses, derived from the original's", () => {
    expect(fallbackLeg(0)).toBe(1000);
    expect(fallbackLeg(1)).toBe(1001);
  });
});
