import { afterAll, describe, expect, it } from "vitest";
import { REASON_CODES, type ReasonCode } from "../../src/risk/reason-codes.js";
import { evaluateOrder } from "../../src/risk/risk-engine.js";
import type { TradingState } from "../../src/risk/trading-state.js";
import { RISK_RULES, type RiskContext, type RiskDecision } from "../../src/risk/types.js";
import { BTC, BTC_PERP, context, holding, limits, NOW, order, position } from "./risk-fixtures.js";

// Codes only sizeOrder produces; tests/unit/sizing-policies.test.ts proves each of them.
const SIZING_ONLY: readonly ReasonCode[] = ["SIZING_INPUT_INVALID", "STOP_PRICE_MISSING", "STOP_DISTANCE_ZERO", "POSITION_FLAT"];
// Reasons given while reading the context (src/risk/risk-context.ts), before the engine runs; the
// end-to-end denial tests (tests/integration/risk-denials.test.ts) cover them.
const CONTEXT_ONLY: readonly ReasonCode[] = ["ACCOUNT_UNKNOWN", "MARK_PRICE_MISSING"];
const seen = new Set<ReasonCode>();

function expectDecision(decision: RiskDecision, outcome: RiskDecision["outcome"], reason: ReasonCode | null, limit: string | null) {
  if (reason !== null) seen.add(reason);
  expect({ outcome: decision.outcome, reason: decision.reason, limit: decision.limit }).toEqual({ outcome, reason, limit });
  if (outcome === "denied") {
    expect(decision.order).toBeNull();
    expect(decision.checks.at(-1)).toMatchObject({ passed: false, reason });
  }
}

const states = (s: Partial<Record<"global" | "account" | "strategy", TradingState>>): RiskContext["tradingStates"] => ({ global: "ACTIVE", account: "ACTIVE", strategy: "ACTIVE", ...s });

afterAll(() => {
  // Every reason the engine can give has a test here: adding a code without one fails this file.
  const untested = REASON_CODES.filter((code) => !seen.has(code) && !SIZING_ONLY.includes(code) && !CONTEXT_ONLY.includes(code));
  expect(untested).toEqual([]);
});

describe("evaluateOrder: approval", () => {
  it("approves a 0.1 BTC market buy (5 000 notional) with every rule run and passed, in order", () => {
    const decision = evaluateOrder(order(), context(), NOW);
    expectDecision(decision, "approved", null, null);
    expect(decision.order).toStrictEqual({
      accountId: "acc_1",
      strategyId: "stg_1",
      symbol: "BTC/USDT",
      side: "buy",
      kind: "market",
      quantity: "0.1",
      reduceOnly: false,
      referencePrice: "50000",
      referencePriceAt: "2025-03-14T11:59:58.000Z",
    });
    expect(decision.checks.map((c) => c.rule)).toEqual([...RISK_RULES]);
    expect(decision.checks.every((c) => c.passed && c.reason === null)).toBe(true);
    expect(decision.stateChange).toBeUndefined();
  });

  it("is plain data: approved, resized and denied decisions survive a JSON round trip unchanged", () => {
    const crossed = context({ equity: "47500", dailyPnl: { realized: "-2000", unrealized: "-500", since: "2025-03-14T00:00:00Z" } });
    const decisions = [
      evaluateOrder(order({ kind: "limit", limitPrice: "50100", quantity: "0.1234" }), context(), NOW),
      evaluateOrder(order(), crossed, NOW),
      evaluateOrder(order({ quantity: "0.3" }), context(), NOW),
    ];
    expect(decisions.map((d) => d.outcome)).toEqual(["resized", "denied", "resized"]);
    for (const decision of decisions) expect(JSON.parse(JSON.stringify(decision))).toStrictEqual(decision);
  });
});

describe("evaluateOrder: spot holdings", () => {
  const sell = (quantity: string, extra: Partial<Parameters<typeof order>[0]> = {}) => order({ side: "sell", quantity, ...extra });

  it("denies a spot sell of more than the strategy holds, or any sell from flat: spot cannot go short", () => {
    const over = evaluateOrder(sell("0.5"), context(holding("0.3")), NOW);
    expectDecision(over, "denied", "SPOT_SELL_EXCEEDS_HOLDINGS", "held=0.3");
    expect(over.checks.at(-1)?.rule).toBe("spotHoldings");
    expectDecision(evaluateOrder(sell("0.1"), context(), NOW), "denied", "SPOT_SELL_EXCEEDS_HOLDINGS", "held=0");
  });

  it("lets a sell of everything held through, and a sell of part of it", () => {
    expectDecision(evaluateOrder(sell("0.3"), context(holding("0.3")), NOW), "approved", null, null);
    expectDecision(evaluateOrder(sell("0.1"), context(holding("0.3")), NOW), "approved", null, null);
  });

  it("counts what the account's working sells may still take, and the account's holdings when they are less than the strategy's", () => {
    const promised = context({ ...holding("0.3"), restingSells: "0.2" });
    expectDecision(evaluateOrder(sell("0.2"), promised, NOW), "denied", "SPOT_SELL_EXCEEDS_HOLDINGS", "held=0.1");
    expectDecision(evaluateOrder(sell("0.1"), promised, NOW), "approved", null, null);
    // Another strategy on the account is short 0.2 (booked before this rule): the account holds 0.1.
    const netted = context({ positions: { strategy: [position("BTC/USDT", "0.3")], account: [position("BTC/USDT", "0.1")] }, openPositionsCount: 2 });
    expectDecision(evaluateOrder(sell("0.2"), netted, NOW), "denied", "SPOT_SELL_EXCEEDS_HOLDINGS", "held=0.1");
  });

  it("does not apply to buys, nor to a market that can go short", () => {
    expectDecision(evaluateOrder(order(), context({ restingSells: "5" }), NOW), "approved", null, null);
    const swap = { ...BTC, kind: "swap" as const };
    expectDecision(evaluateOrder(sell("0.1"), context({ market: swap }), NOW), "approved", null, null);
  });

  it("refuses a context whose working sells are not a non-negative decimal", () => {
    expectDecision(evaluateOrder(sell("0.1"), context({ ...holding("0.3"), restingSells: "-1" }), NOW), "denied", "CONTEXT_INVALID", null);
  });
});

describe("evaluateOrder: spot cash", () => {
  // The default order buys 0.1 BTC at 50 000: 5 000 USDT, and 5 005 with the market's 10 bps fee.
  const cash = (amount: string, restingBuys = "0", currency = "USDT"): Partial<RiskContext> => ({ cash: { currency, amount, restingBuys } });
  const quantityOf = (decision: RiskDecision) => decision.order?.quantity;

  it("cuts a spot buy that costs more than the cash, fee included, to what fits on the amount step; one that costs exactly the cash goes as it is", () => {
    // 0.099 × 50 000 × 1.001 = 4 954.95 fits in 5 004.99; 0.1 does not.
    const cut = evaluateOrder(order(), context(cash("5004.99")), NOW);
    expectDecision(cut, "resized", "SPOT_BUY_EXCEEDS_CASH", "cash=5004.99");
    expect(quantityOf(cut)).toBe("0.099");
    expect(cut.checks.find((c) => c.rule === "spotCash")?.detail).toContain("cut to 0.099");
    expectDecision(evaluateOrder(order(), context(cash("5005")), NOW), "approved", null, null);
  });

  it("denies when no quantity the market allows fits: the minimum amount costs more than the cash", () => {
    // The market's minimum, 0.001 BTC, costs 50.05 with the fee.
    const denied = evaluateOrder(order(), context(cash("50.04")), NOW);
    expectDecision(denied, "denied", "SPOT_BUY_EXCEEDS_CASH", "cash=50.04");
    expect(denied.checks.at(-1)?.rule).toBe("spotCash");
    expectDecision(evaluateOrder(order(), context(cash("-3")), NOW), "denied", "SPOT_BUY_EXCEEDS_CASH", "cash=0");
    expect(quantityOf(evaluateOrder(order(), context(cash("50.05")), NOW))).toBe("0.001");
  });

  it("prices a market buy with the venue's slippage and fee, and a limit buy at its limit", () => {
    // 0.1 × 50 000 × 1.002 slippage × 1.0005 fee = 5 012.505.
    const costs = { buyCosts: { feeBps: "5", slippageBps: "20" } };
    expect(quantityOf(evaluateOrder(order(), context({ ...cash("5012.5"), ...costs }), NOW))).toBe("0.099");
    expectDecision(evaluateOrder(order(), context({ ...cash("5012.505"), ...costs }), NOW), "approved", null, null);
    // A limit buy at 49 900 fills at 49 900 or better: 4 990 × 1.0005 = 4 992.495, below the reference's cost.
    const limit = order({ kind: "limit", limitPrice: "49900" });
    expectDecision(evaluateOrder(limit, context({ ...cash("4992.495"), ...costs }), NOW), "approved", null, null);
    expectDecision(evaluateOrder(limit, context({ ...cash("4992.49"), ...costs }), NOW), "resized", "SPOT_BUY_EXCEEDS_CASH", "cash=4992.49");
  });

  it("keeps back what the account's working buys may still spend, with their fee", () => {
    // 4 995 promised × 1.001 = 4 999.995 kept back from 10 000: 5 000.005 free, short of 5 005.
    const kept = evaluateOrder(order(), context(cash("10000", "4995")), NOW);
    expectDecision(kept, "resized", "SPOT_BUY_EXCEEDS_CASH", "cash=5000.005");
    expect(quantityOf(kept)).toBe("0.099");
    expectDecision(evaluateOrder(order(), context(cash("10000", "4990")), NOW), "approved", null, null);
  });

  it("denies a buy on a market quoted in another currency than the account's", () => {
    expectDecision(evaluateOrder(order(), context(cash("1000000", "0", "EUR")), NOW), "denied", "SPOT_QUOTE_NOT_ACCOUNT_CURRENCY", "currency=EUR");
  });

  it("does not apply to sells, to a market that can go short, or without a cash ledger", () => {
    expectDecision(evaluateOrder(order({ side: "sell" }), context({ ...holding("0.3"), ...cash("0") }), NOW), "approved", null, null);
    expectDecision(evaluateOrder(order(), context({ market: { ...BTC, kind: "swap" }, ...cash("0") }), NOW), "approved", null, null);
    expectDecision(evaluateOrder(order(), context(), NOW), "approved", null, null);
  });

  it("refuses a context whose cash or buy costs are unreadable", () => {
    expectDecision(evaluateOrder(order(), context(cash("lots")), NOW), "denied", "CONTEXT_INVALID", null);
    expectDecision(evaluateOrder(order(), context(cash("10000", "-1")), NOW), "denied", "CONTEXT_INVALID", null);
    expectDecision(evaluateOrder(order(), context({ ...cash("10000"), buyCosts: { feeBps: "5", slippageBps: "-1" } }), NOW), "denied", "CONTEXT_INVALID", null);
  });
});

describe("evaluateOrder: input", () => {
  it("denies a limit order without a limit price as ORDER_INVALID", () => {
    expectDecision(evaluateOrder(order({ kind: "limit" }), context(), NOW), "denied", "ORDER_INVALID", null);
  });

  it("denies a negative or unreadable quantity as ORDER_INVALID", () => {
    expectDecision(evaluateOrder(order({ quantity: "-0.1" }), context(), NOW), "denied", "ORDER_INVALID", null);
    expectDecision(evaluateOrder(order({ quantity: "lots" }), context(), NOW), "denied", "ORDER_INVALID", null);
  });

  it("denies a snapshot listing one symbol twice as CONTEXT_INVALID", () => {
    const ctx = context({ positions: { strategy: [], account: [position("BTC/USDT", "0.1"), position("BTC/USDT", "0.2")] } });
    expectDecision(evaluateOrder(order(), ctx, NOW), "denied", "CONTEXT_INVALID", null);
  });

  it("denies unparseable limits as CONTEXT_INVALID", () => {
    const ctx = context({ limits: { ...limits(), maxOrderNotional: "-5" } });
    expectDecision(evaluateOrder(order(), ctx, NOW), "denied", "CONTEXT_INVALID", null);
  });

  it("turns an exception inside the engine into a RISK_ENGINE_ERROR denial instead of throwing", () => {
    const ctx = context();
    Object.defineProperty(ctx, "equity", { get: () => { throw new Error("boom"); } });
    expectDecision(evaluateOrder(order(), ctx, NOW), "denied", "RISK_ENGINE_ERROR", null);
  });
});

describe("evaluateOrder: trading state", () => {
  it("denies an unknown state value as TRADING_STATE_UNKNOWN", () => {
    const ctx = context({ tradingStates: { ...states({}), account: "PAUSED" as TradingState } });
    expectDecision(evaluateOrder(order(), ctx, NOW), "denied", "TRADING_STATE_UNKNOWN", null);
  });

  it("HALTED denies everything: new exposure, a plain exit and a reduce-only exit", () => {
    const ctx = context({ ...holding("0.5"), tradingStates: states({ global: "HALTED", strategy: "REDUCING" }) });
    for (const request of [order(), order({ side: "sell", quantity: "0.2" }), order({ side: "sell", quantity: "0.5", reduceOnly: true })]) {
      expectDecision(evaluateOrder(request, ctx, NOW), "denied", "TRADING_HALTED", "tradingState.global=HALTED");
    }
  });

  it("REDUCING denies new exposure as TRADING_REDUCING, naming the scope", () => {
    const ctx = context({ ...holding("0.5"), tradingStates: states({ strategy: "REDUCING" }) });
    expectDecision(evaluateOrder(order(), ctx, NOW), "denied", "TRADING_REDUCING", "tradingState.strategy=REDUCING");
    // Selling 0.7 out of a 0.5 long goes short 0.2: a flip adds exposure.
    expectDecision(evaluateOrder(order({ side: "sell", quantity: "0.7" }), ctx, NOW), "denied", "TRADING_REDUCING", "tradingState.strategy=REDUCING");
  });

  it("REDUCING lets reducing orders through and skips the exposure caps for them", () => {
    // 2 BTC long = 100 000 notional: over the position (25 000), leverage (50 000) and gross caps.
    const ctx = context({ ...holding("2"), tradingStates: states({ account: "REDUCING" }) });
    const decision = evaluateOrder(order({ side: "sell", quantity: "1.5" }), ctx, NOW);
    // 1.5 × 50 000 = 75 000 > maxOrderNotional 10 000, yet a reducing order is not capped.
    expectDecision(decision, "approved", null, null);
    expect(decision.order?.quantity).toBe("1.5");
    expect(decision.checks.find((c) => c.rule === "maxPosition")?.detail).toMatch(/reduces the position/);
  });

  it("an exit that shrinks the strategy but grows the account (netted strategies) is not reducing", () => {
    // This strategy is long 0.3; another one is short 0.3, so the account is flat: selling opens a short there.
    const ctx = context({ positions: { strategy: [position("BTC/USDT", "0.3")], account: [] }, tradingStates: states({ account: "REDUCING" }) });
    expectDecision(evaluateOrder(order({ side: "sell", quantity: "0.3" }), ctx, NOW), "denied", "TRADING_REDUCING", "tradingState.account=REDUCING");
  });
});

describe("evaluateOrder: market and prices", () => {
  it("denies without market rules, or with another market's rules, as UNKNOWN_MARKET", () => {
    expectDecision(evaluateOrder(order(), context({ market: undefined }), NOW), "denied", "UNKNOWN_MARKET", null);
    expectDecision(evaluateOrder(order(), context({ market: BTC_PERP }), NOW), "denied", "UNKNOWN_MARKET", null);
    expectDecision(evaluateOrder(order(), context({ market: { ...BTC, amountStep: "0" } }), NOW), "denied", "UNKNOWN_MARKET", null);
  });

  it("denies without a reference price as REFERENCE_PRICE_MISSING", () => {
    expectDecision(evaluateOrder(order({ referencePrice: undefined }), context(), NOW), "denied", "REFERENCE_PRICE_MISSING", null);
    expectDecision(evaluateOrder(order({ referencePrice: "0" }), context(), NOW), "denied", "REFERENCE_PRICE_MISSING", null);
  });

  it("judges staleness by the injected now: 10 000 ms old passes, 10 001 ms is REFERENCE_PRICE_STALE", () => {
    const request = order({ referencePriceAt: "2025-03-14T12:00:00.000Z" });
    expectDecision(evaluateOrder(request, context(), new Date("2025-03-14T12:00:10.000Z")), "approved", null, null);
    expectDecision(evaluateOrder(request, context(), new Date("2025-03-14T12:00:10.001Z")), "denied", "REFERENCE_PRICE_STALE", "maxReferencePriceAgeMs=10000");
    // 10 001 ms in the future: the clocks disagree by more than the window.
    expectDecision(evaluateOrder(request, context(), new Date("2025-03-14T11:59:49.999Z")), "denied", "REFERENCE_PRICE_STALE", "maxReferencePriceAgeMs=10000");
  });

  it("treats a reference price without an observation time as stale", () => {
    expectDecision(evaluateOrder(order({ referencePriceAt: undefined }), context(), NOW), "denied", "REFERENCE_PRICE_STALE", "maxReferencePriceAgeMs=10000");
  });

  it("denies a limit price off the 0.01 tick as PRICE_OFF_TICK, never rounding it", () => {
    expectDecision(evaluateOrder(order({ kind: "limit", limitPrice: "50000.005" }), context(), NOW), "denied", "PRICE_OFF_TICK", "priceStep=0.01");
  });

  it("holds limit prices within 100 bps of the reference: 50 500 passes, 50 500.01 is PRICE_COLLAR", () => {
    expectDecision(evaluateOrder(order({ kind: "limit", limitPrice: "50500" }), context(), NOW), "approved", null, null);
    expectDecision(evaluateOrder(order({ kind: "limit", limitPrice: "50500.01" }), context(), NOW), "denied", "PRICE_COLLAR", "priceCollarBps=100");
    expectDecision(evaluateOrder(order({ side: "sell", kind: "limit", limitPrice: "49499.99" }), context(), NOW), "denied", "PRICE_COLLAR", "priceCollarBps=100");
  });
});

describe("evaluateOrder: quantity against the market", () => {
  it("truncates 0.1234 to the 0.001 step: resized to exactly 0.123 with QUANTITY_OFF_STEP", () => {
    const decision = evaluateOrder(order({ quantity: "0.1234" }), context(), NOW);
    expectDecision(decision, "resized", "QUANTITY_OFF_STEP", "amountStep=0.001");
    expect(decision.order?.quantity).toBe("0.123");
  });

  it("denies 0.0004, which truncates to nothing, as QUANTITY_ZERO", () => {
    expectDecision(evaluateOrder(order({ quantity: "0.0004" }), context(), NOW), "denied", "QUANTITY_ZERO", "amountStep=0.001");
  });

  it("denies below the market's minimum amount as QUANTITY_BELOW_MIN", () => {
    const ctx = context({ market: { ...BTC, minAmount: "0.01" } });
    expectDecision(evaluateOrder(order({ quantity: "0.005" }), ctx, NOW), "denied", "QUANTITY_BELOW_MIN", "minAmount=0.01");
  });

  it("denies above the market's maximum amount as QUANTITY_ABOVE_MAX, without resizing", () => {
    expectDecision(evaluateOrder(order({ quantity: "150" }), context(), NOW), "denied", "QUANTITY_ABOVE_MAX", "maxAmount=100");
  });

  it("denies 0.001 BTC at 4 000 (4 USDT) as NOTIONAL_BELOW_MIN", () => {
    expectDecision(evaluateOrder(order({ quantity: "0.001", referencePrice: "4000" }), context(), NOW), "denied", "NOTIONAL_BELOW_MIN", "minCost=5");
  });

  it("denies 30 BTC at 50 000 (1.5 M) as NOTIONAL_ABOVE_MAX", () => {
    expectDecision(evaluateOrder(order({ quantity: "30" }), context(), NOW), "denied", "NOTIONAL_ABOVE_MAX", "maxCost=1000000");
  });

  it("denies a reduce-only order with nothing to reduce as REDUCE_ONLY_WOULD_INCREASE", () => {
    expectDecision(evaluateOrder(order({ side: "sell", reduceOnly: true }), context(), NOW), "denied", "REDUCE_ONLY_WOULD_INCREASE", "strategyPosition=0");
    // A reduce-only buy on a long would add to it.
    expectDecision(evaluateOrder(order({ reduceOnly: true }), context(holding("0.3")), NOW), "denied", "REDUCE_ONLY_WOULD_INCREASE", "strategyPosition=0.3");
  });

  it("cuts a reduce-only sell of 0.5 against a 0.3 long down to exactly 0.3", () => {
    const decision = evaluateOrder(order({ side: "sell", quantity: "0.5", reduceOnly: true }), context(holding("0.3")), NOW);
    expectDecision(decision, "resized", "REDUCE_ONLY_WOULD_INCREASE", "position=0.3");
    expect(decision.order?.quantity).toBe("0.3");
  });

  it("bounds a reduce-only order by the smaller of the strategy's and the account's position", () => {
    const ctx = context({ positions: { strategy: [position("BTC/USDT", "-0.4")], account: [position("BTC/USDT", "-0.25")] }, openPositionsCount: 1 });
    const decision = evaluateOrder(order({ side: "buy", quantity: "0.4", reduceOnly: true }), ctx, NOW);
    expectDecision(decision, "resized", "REDUCE_ONLY_WOULD_INCREASE", "position=0.25");
    expect(decision.order?.quantity).toBe("0.25");
  });
});

describe("evaluateOrder: exposure caps", () => {
  it("cuts 0.3 BTC (15 000) to exactly 0.2 under maxOrderNotional 10 000", () => {
    const decision = evaluateOrder(order({ quantity: "0.3" }), context(), NOW);
    expectDecision(decision, "resized", "MAX_ORDER_NOTIONAL", "maxOrderNotional=10000");
    expect(decision.order?.quantity).toBe("0.2");
  });

  it("values a limit buy at its limit price: 0.2 at 50 400 is cut to 10 000 / 50 400 = 0.198…, truncated to 0.198", () => {
    const decision = evaluateOrder(order({ kind: "limit", limitPrice: "50400", quantity: "0.2" }), context(), NOW);
    expectDecision(decision, "resized", "MAX_ORDER_NOTIONAL", "maxOrderNotional=10000");
    expect(decision.order?.quantity).toBe("0.198");
  });

  it("denies as MAX_ORDER_NOTIONAL when no quantity on the step fits (40 USDT is 0.0008 BTC)", () => {
    const ctx = context({ limits: limits({ maxOrderNotional: "40" }) });
    expectDecision(evaluateOrder(order(), ctx, NOW), "denied", "MAX_ORDER_NOTIONAL", "maxOrderNotional=40");
  });

  it("cuts a buy of 0.2 on a 0.4 long to exactly 0.1 under a 25 000 (0.5 BTC) position cap", () => {
    const decision = evaluateOrder(order({ quantity: "0.2" }), context(holding("0.4")), NOW);
    expectDecision(decision, "resized", "MAX_POSITION", "maxPositionNotionalPerSymbol=25000");
    expect(decision.order?.quantity).toBe("0.1");
  });

  it("applies the position cap to the account too: another strategy's 0.45 leaves room for 0.05", () => {
    const ctx = context({ positions: { strategy: [], account: [position("BTC/USDT", "0.45")] }, openPositionsCount: 1 });
    const decision = evaluateOrder(order({ quantity: "0.1" }), ctx, NOW);
    expectDecision(decision, "resized", "MAX_POSITION", "maxPositionNotionalPerSymbol=25000");
    expect(decision.order?.quantity).toBe("0.05");
  });

  it("cuts to the quantity cap when one is set: 0.15 on a 0.2 long under 0.25 becomes 0.05", () => {
    const ctx = context({ ...holding("0.2"), limits: limits({ maxPositionQuantityPerSymbol: "0.25" }) });
    const decision = evaluateOrder(order({ quantity: "0.15" }), ctx, NOW);
    expectDecision(decision, "resized", "MAX_POSITION", "maxPositionQuantityPerSymbol=0.25");
    expect(decision.order?.quantity).toBe("0.05");
  });

  it("denies as MAX_POSITION when the position is already at the cap", () => {
    expectDecision(evaluateOrder(order(), context(holding("0.5")), NOW), "denied", "MAX_POSITION", "maxPositionNotionalPerSymbol=25000");
  });

  it("allows a flip up to the cap on the other side: selling 1 on a 0.6 long leaves a 0.4 short", () => {
    // A market that can go short (spot cannot: see "spot holdings"), with the spot's units.
    const market = { ...BTC, kind: "swap" as const };
    const ctx = context({ market, ...holding("0.6"), limits: limits({ maxOrderNotional: null, maxLeverage: "2", maxGrossExposureMultiple: "2" }) });
    const decision = evaluateOrder(order({ side: "sell", quantity: "1" }), ctx, NOW);
    expectDecision(decision, "approved", null, null);
    const over = evaluateOrder(order({ side: "sell", quantity: "1.2" }), ctx, NOW);
    // |0.6 − q| ≤ 0.5 ⇒ q ≤ 1.1.
    expectDecision(over, "resized", "MAX_POSITION", "maxPositionNotionalPerSymbol=25000");
    expect(over.order?.quantity).toBe("1.1");
  });

  it("never cuts below what an earlier cap needs: a buy unwinding a short that is over its cap", () => {
    // The strategy is short 0.7 against a 0.5 cap; another strategy's long leaves the account flat.
    // Buying 0.3 brings the strategy to −0.4, so at least 0.2 must be bought; the account may hold only
    // 0.1 under maxLeverage 0.1 (5 000 of 50 000), which would leave the strategy short 0.6: denied.
    const positions = { strategy: [position("BTC/USDT", "-0.7")], account: [] };
    const tight = context({ positions, limits: limits({ maxOrderNotional: null, maxLeverage: "0.1" }) });
    expectDecision(evaluateOrder(order({ quantity: "0.3" }), tight, NOW), "denied", "MAX_LEVERAGE", "maxLeverage=0.1");
    // Under maxLeverage 0.25 (0.25 BTC) the cut to 0.25 leaves the strategy at −0.45: resized.
    const looser = context({ positions, limits: limits({ maxOrderNotional: null, maxLeverage: "0.25" }) });
    const decision = evaluateOrder(order({ quantity: "0.3" }), looser, NOW);
    expectDecision(decision, "resized", "MAX_LEVERAGE", "maxLeverage=0.25");
    expect(decision.order?.quantity).toBe("0.25");
  });

  it("cuts to maxLeverage 0.3 (15 000 of 50 000 equity): a buy of 0.2 on a 0.2 long becomes 0.1", () => {
    const ctx = context({ ...holding("0.2"), limits: limits({ maxLeverage: "0.3" }) });
    const decision = evaluateOrder(order({ quantity: "0.2" }), ctx, NOW);
    expectDecision(decision, "resized", "MAX_LEVERAGE", "maxLeverage=0.3");
    expect(decision.order?.quantity).toBe("0.1");
  });

  it("denies as EQUITY_NOT_POSITIVE when equity is zero and leverage cannot be measured", () => {
    expectDecision(evaluateOrder(order(), context({ equity: "0" }), NOW), "denied", "EQUITY_NOT_POSITIVE", "maxLeverage=1");
  });

  it("denies a fourth position as MAX_OPEN_POSITIONS but lets an open position grow", () => {
    expectDecision(evaluateOrder(order(), context({ openPositionsCount: 3 }), NOW), "denied", "MAX_OPEN_POSITIONS", "maxOpenPositions=3");
    const adding = context({ ...holding("0.1"), openPositionsCount: 3 });
    expectDecision(evaluateOrder(order(), adding, NOW), "approved", null, null);
  });

  it("denies, never resizes, past maxGrossExposureMultiple 1.5 (75 000): 75 000 of ETH + 5 000 of BTC", () => {
    const eth = (quantity: string) => context({ positions: { strategy: [], account: [position("ETH/USDT", quantity, "3000")] }, openPositionsCount: 1 });
    // 23 ETH × 3 000 = 69 000; + 0.1 BTC × 50 000 = 74 000 ≤ 75 000.
    expectDecision(evaluateOrder(order(), eth("23"), NOW), "approved", null, null);
    // 25 ETH × 3 000 = 75 000; + 5 000 = 80 000 > 75 000.
    expectDecision(evaluateOrder(order(), eth("-25"), NOW), "denied", "MAX_GROSS_EXPOSURE", "maxGrossExposureMultiple=1.5");
  });

  it("denies past an absolute maxGrossExposureNotional: 3 000 of ETH + 10 000 of BTC > 12 000", () => {
    const ctx = context({ positions: { strategy: [], account: [position("ETH/USDT", "1", "3000")] }, openPositionsCount: 1, limits: limits({ maxGrossExposureNotional: "12000" }) });
    expectDecision(evaluateOrder(order({ quantity: "0.2" }), ctx, NOW), "denied", "MAX_GROSS_EXPOSURE", "maxGrossExposureNotional=12000");
  });

  it("values derivatives in contracts × contract size: 300 contracts of 0.001 BTC at 50 000 are cut to 200 (10 000)", () => {
    const ctx = context({ market: BTC_PERP });
    const decision = evaluateOrder(order({ symbol: "BTC/USDT:USDT", quantity: "300", referencePrice: "50000" }), ctx, NOW);
    expectDecision(decision, "resized", "MAX_ORDER_NOTIONAL", "maxOrderNotional=10000");
    expect(decision.order?.quantity).toBe("200");
  });
});

describe("evaluateOrder: rate and daily loss", () => {
  const at = (iso: string) => new Date(iso);

  it("denies a sixth order inside 60 s as ORDER_RATE_LIMIT; one 60 s old no longer counts", () => {
    const four = ["11:59:01", "11:59:30", "11:59:45", "11:59:59.999"].map((t) => at(`2025-03-14T${t}Z`));
    expectDecision(evaluateOrder(order(), context({ recentOrderTimes: [...four, at("2025-03-14T11:59:00.001Z")] }), NOW), "denied", "ORDER_RATE_LIMIT", "maxOrdersPerMinute=5");
    expectDecision(evaluateOrder(order(), context({ recentOrderTimes: [...four, at("2025-03-14T11:59:00.000Z")] }), NOW), "approved", null, null);
  });

  it("denies new exposure when the daily PnL does not cover today (DAILY_PNL_STALE)", () => {
    const ctx = context({ dailyPnl: { realized: "0", unrealized: "0", since: "2025-03-13T00:00:00Z" } });
    expectDecision(evaluateOrder(order(), ctx, NOW), "denied", "DAILY_PNL_STALE", "maxDailyLossPercent=5");
  });

  it("a loss of exactly 5 % of start-of-day equity (2 500 of 50 000) denies new exposure and moves the account to REDUCING", () => {
    const ctx = context({ equity: "47500", dailyPnl: { realized: "-1500", unrealized: "-1000", since: "2025-03-14T00:00:00Z" } });
    const decision = evaluateOrder(order(), ctx, NOW);
    expectDecision(decision, "denied", "DAILY_LOSS_LIMIT", "maxDailyLossPercent=5");
    expect(decision.stateChange).toEqual({ scope: "account", to: "REDUCING", reason: "DAILY_LOSS_LIMIT" });
  });

  it("a loss of 2 499.99 is under the limit: approved, no state change", () => {
    const ctx = context({ equity: "47500.01", dailyPnl: { realized: "-1500", unrealized: "-999.99", since: "2025-03-14T00:00:00Z" } });
    const decision = evaluateOrder(order(), ctx, NOW);
    expectDecision(decision, "approved", null, null);
    expect(decision.stateChange).toBeUndefined();
  });

  it("past the limit, a reducing order still goes through under REDUCING, and the state change is still reported", () => {
    const ctx = context({ ...holding("0.3"), equity: "47000", dailyPnl: { realized: "-3000", unrealized: "0", since: "2025-03-14T00:00:00Z" } });
    const decision = evaluateOrder(order({ side: "sell", quantity: "0.3" }), ctx, NOW);
    expectDecision(decision, "approved", null, null);
    expect(decision.stateChange).toEqual({ scope: "account", to: "REDUCING", reason: "DAILY_LOSS_LIMIT" });
  });

  it("with dailyLossAction HALTED even a reducing order is denied past the limit", () => {
    const ctx = context({ ...holding("0.3"), equity: "47000", dailyPnl: { realized: "-3000", unrealized: "0", since: "2025-03-14T00:00:00Z" }, limits: limits({ dailyLossAction: "HALTED" }) });
    const decision = evaluateOrder(order({ side: "sell", quantity: "0.3" }), ctx, NOW);
    expectDecision(decision, "denied", "DAILY_LOSS_LIMIT", "maxDailyLossPercent=5");
    expect(decision.stateChange).toEqual({ scope: "account", to: "HALTED", reason: "DAILY_LOSS_LIMIT" });
  });

  it("reports the state change even when an earlier rule denies, and not when the account is already there", () => {
    const loss = { equity: "47000", dailyPnl: { realized: "-3000", unrealized: "0", since: "2025-03-14T00:00:00Z" } };
    const collared = evaluateOrder(order({ kind: "limit", limitPrice: "60000" }), context(loss), NOW);
    expectDecision(collared, "denied", "PRICE_COLLAR", "priceCollarBps=100");
    expect(collared.stateChange).toEqual({ scope: "account", to: "REDUCING", reason: "DAILY_LOSS_LIMIT" });
    const already = evaluateOrder(order(), context({ ...loss, tradingStates: states({ account: "REDUCING" }) }), NOW);
    expectDecision(already, "denied", "TRADING_REDUCING", "tradingState.account=REDUCING");
    expect(already.stateChange).toBeUndefined();
  });
});
