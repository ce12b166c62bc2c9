import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dec, isMultipleOf, roundToStep, truncateToStep } from "../../src/domain/decimal.js";
import type { MarketRules } from "../../src/domain/market.js";
import type { RiskLimits } from "../../src/risk/limits.js";
import { evaluateOrder } from "../../src/risk/risk-engine.js";
import { mostRestrictive, type TradingState } from "../../src/risk/trading-state.js";
import type { OrderRequest, PositionSnapshot, RiskContext, RiskDecision } from "../../src/risk/types.js";

/**
 * An independent oracle: for random orders and snapshots, whatever the engine lets through is
 * re-checked here against every configured limit with plain arithmetic written from the spec, not
 * from the engine's code.
 */

const DAY = Date.parse("2025-03-14T00:00:00Z");
const RUNS = 300;

const scaled = (min: number, max: number, maxScale = 4) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min: 0, max: maxScale })).map(([n, s]) => new Dec(n).div(10 ** s).toFixed());

/** A market's steps and limits; amount limits are scaled to what 15 000 of quote buys at the reference price. */
const marketArb = fc.record({
  contractSize: fc.constantFrom("1", "0.001", "0.01", "10"),
  amountStep: fc.constantFrom("0.001", "0.01", "0.5", "1"),
  priceStep: fc.constantFrom("0.01", "0.5", "1"),
  minSteps: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  maxAmountShare: fc.option(fc.constantFrom("0.3", "3", "100"), { nil: undefined }),
  minCost: fc.option(fc.constantFrom("1", "5", "10"), { nil: undefined }),
  maxCost: fc.option(fc.constantFrom("10000", "1000000"), { nil: undefined }),
});
type MarketShape = typeof marketArb extends fc.Arbitrary<infer T> ? T : never;

/** Whole amount steps worth at most 15 000 of quote at `reference`. */
function stepsIn15k(m: Pick<MarketRules, "amountStep" | "contractSize">, reference: Dec): Dec {
  return new Dec(15_000).div(new Dec(m.amountStep).mul(m.contractSize).mul(reference)).floor();
}

function buildMarket({ minSteps, maxAmountShare, minCost, maxCost, ...m }: MarketShape, reference: Dec): MarketRules {
  const step = new Dec(m.amountStep);
  return {
    symbol: "BTC/USDT",
    base: "BTC",
    quote: "USDT",
    kind: m.contractSize === "1" ? "spot" : "swap",
    ...m,
    ...(minSteps === undefined ? {} : { minAmount: step.mul(minSteps).toFixed() }),
    ...(maxAmountShare === undefined ? {} : { maxAmount: stepsIn15k(m, reference).mul(maxAmountShare).floor().add(1).mul(step).toFixed() }),
    ...(minCost === undefined ? {} : { minCost }),
    ...(maxCost === undefined ? {} : { maxCost }),
    makerFeeBps: "10",
    takerFeeBps: "10",
  };
}

/** A limit that is set three times out of four and switched off (null) otherwise. */
const opt = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) });

const limitsArb: fc.Arbitrary<RiskLimits> = fc.record({
  maxOrderNotional: opt(fc.integer({ min: 1, max: 30_000 }).map(String)),
  maxPositionNotionalPerSymbol: opt(fc.integer({ min: 1, max: 60_000 }).map(String)),
  maxPositionQuantityPerSymbol: opt(scaled(1, 5000, 3)),
  maxOpenPositions: opt(fc.integer({ min: 0, max: 10 })),
  maxGrossExposureMultiple: opt(fc.constantFrom("0.5", "1", "2", "3")),
  maxGrossExposureNotional: opt(fc.integer({ min: 1, max: 200_000 }).map(String)),
  maxLeverage: opt(fc.constantFrom("0.25", "1", "2", "5")),
  maxDailyLossPercent: opt(fc.constantFrom("1", "5", "50")),
  dailyLossAction: fc.constantFrom("REDUCING" as const, "HALTED" as const),
  maxOrdersPerMinute: opt(fc.integer({ min: 1, max: 10 })),
  priceCollarBps: opt(fc.constantFrom("10", "100", "1000")),
  maxReferencePriceAgeMs: opt(fc.integer({ min: 1000, max: 30_000 })),
});

const stateArb = fc.constantFrom<TradingState>("ACTIVE", "REDUCING", "HALTED");
const ACTIVE = { global: "ACTIVE", account: "ACTIVE", strategy: "ACTIVE" } as const;
// Mostly all ACTIVE, or most orders would stop at the first rule and the later ones would go untested.
const statesArb = fc.oneof({ weight: 9, arbitrary: fc.constant(ACTIVE) }, { weight: 1, arbitrary: fc.record({ global: stateArb, account: stateArb, strategy: stateArb }) });

/** Mostly plausible, sometimes hostile: a fraction of every input is out of range or malformed. */
const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) => fc.oneof({ weight: 19, arbitrary: usual }, { weight: 1, arbitrary: odd });

/**
 * A size as a share of 15 000 quote worth of the market, in whole amount steps (at least one), a
 * third of the time plus a fraction of a step so truncation has work to do. Sizes follow the market
 * so most orders clear its limits and reach the caps.
 */
const sizeArb = fc.record({ share: fc.integer({ min: -10_000, max: 10_000 }), offStep: fc.integer({ min: 0, max: 2 }).map((n) => n === 0) });
type Size = { share: number; offStep: boolean };

function unitsFor(size: Size, market: MarketRules, reference: Dec): string {
  if (size.share === 0) return "0";
  const step = new Dec(market.amountStep);
  const steps = stepsIn15k(market, reference).mul(Math.abs(size.share)).div(10_000).floor().add(1);
  const units = steps.mul(step).add(size.offStep ? step.div(3).toDecimalPlaces(8, Dec.ROUND_DOWN) : 0);
  return (size.share < 0 ? units.neg() : units).toFixed();
}

const caseArb = fc
  .record({
    shape: marketArb,
    limits: limitsArb,
    nowOffset: fc.integer({ min: 0, max: 86_399_999 }),
    referencePrice: mostly(fc.integer({ min: 10, max: 100_000 }), fc.integer({ min: 1, max: 10 })),
    side: fc.constantFrom("buy" as const, "sell" as const),
    kind: fc.constantFrom("market" as const, "limit" as const, "stop" as const),
    size: sizeArb,
    rawQuantity: mostly(fc.constant(undefined), fc.constantFrom("-1", "abc", "", "0", "1e3", "123456.7891")),
    priceBps: mostly(fc.integer({ min: -120, max: 120 }), fc.integer({ min: -12_000, max: 12_000 })),
    // Now and then a price a thousandth off every tick generated here.
    priceShift: mostly(fc.constant("0"), fc.constant("0.001")),
    stopLimit: fc.boolean(),
    reduceOnly: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    hasReference: mostly(fc.constant(true), fc.constant(false)),
    referenceAge: mostly(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: -40_000, max: 40_000 })),
    strategyPosition: fc.oneof(fc.constant<Size>({ share: 0, offStep: false }), sizeArb),
    accountPosition: fc.oneof(fc.constant<Size>({ share: 0, offStep: false }), sizeArb),
    strategyEqualsAccount: fc.boolean(),
    others: fc.uniqueArray(fc.record({ symbol: fc.constantFrom("ETH/USDT", "SOL/USDT", "XRP/USDT:USDT"), quantity: scaled(-500, 500, 1), mark: fc.integer({ min: 1, max: 50 }).map(String) }), { selector: (p) => p.symbol, maxLength: 3 }),
    openPositionsCount: fc.integer({ min: 0, max: 6 }),
    equity: mostly(fc.integer({ min: 1_000, max: 200_000 }), fc.integer({ min: -1_000, max: 1_000 })).map(String),
    realized: mostly(fc.integer({ min: -1_000, max: 1_000 }), fc.integer({ min: -50_000, max: 5_000 })).map(String),
    unrealized: fc.integer({ min: -1_000, max: 1_000 }).map(String),
    pnlFromYesterday: mostly(fc.constant(false), fc.constant(true)),
    orderAges: fc.array(fc.integer({ min: -1000, max: 300_000 }), { maxLength: 6 }),
    states: statesArb,
  })
  .map((c) => {
    const now = DAY + c.nowOffset;
    // One amount step worth at most 1 500 of quote, so ordinary sizes are many steps.
    const ceiling = new Dec(1_500).div(new Dec(c.shape.amountStep).mul(c.shape.contractSize));
    const reference = Dec.max(truncateToStep(Dec.min(c.referencePrice, ceiling), c.shape.priceStep), c.shape.priceStep);
    const market = buildMarket(c.shape, reference);
    const price = roundToStep(reference.mul(new Dec(c.priceBps).div(10_000).add(1)), market.priceStep).add(c.priceShift).toFixed();
    const quantity = c.rawQuantity ?? unitsFor({ ...c.size, share: Math.abs(c.size.share) }, market, reference);
    const request: OrderRequest = {
      accountId: "acc_1",
      strategyId: "stg_1",
      symbol: "BTC/USDT",
      side: c.side,
      kind: c.kind,
      quantity,
      reduceOnly: c.reduceOnly,
      ...(c.kind === "limit" || (c.kind === "stop" && c.stopLimit) ? { limitPrice: price } : {}),
      ...(c.kind === "stop" ? { stopPrice: reference.add(market.priceStep).toFixed() } : {}),
      ...(c.hasReference ? { referencePrice: reference.toFixed(), referencePriceAt: new Date(now - c.referenceAge) } : {}),
    };
    const others: PositionSnapshot[] = c.others.map((o) => ({ symbol: o.symbol, quantity: o.quantity, markPrice: o.mark, contractSize: "1" }));
    const mine = (size: Size): PositionSnapshot => ({ symbol: "BTC/USDT", quantity: unitsFor(size, market, reference), markPrice: reference.toFixed(), contractSize: market.contractSize });
    const context: RiskContext = {
      market,
      tradingStates: c.states,
      positions: { strategy: [mine(c.strategyEqualsAccount ? c.accountPosition : c.strategyPosition)], account: [mine(c.accountPosition), ...others] },
      openPositionsCount: c.openPositionsCount,
      equity: c.equity,
      dailyPnl: { realized: c.realized, unrealized: c.unrealized, since: new Date(c.pnlFromYesterday ? DAY - 86_400_000 : DAY) },
      recentOrderTimes: c.orderAges.map((age) => now - age),
      limits: c.limits,
    };
    return { request, context, now: new Date(now) };
  });

const abs = (d: Dec) => d.abs();

/** Shrinks |p| without crossing zero. */
function shrinks(p: Dec, side: "buy" | "sell", q: Dec): boolean {
  return !p.isZero() && (side === "buy" ? p.lt(0) : p.gt(0)) && q.lte(p.abs());
}

function expectWithinLimits(request: OrderRequest, context: RiskContext, now: Date, decision: RiskDecision): void {
  const order = decision.order;
  expect(order).not.toBeNull();
  if (order === null) return;
  const rules = context.market as MarketRules;
  const L = context.limits;
  const q = new Dec(order.quantity);
  const requested = new Dec(request.quantity as string);
  const sign = request.side === "buy" ? 1 : -1;
  const cs = new Dec(rules.contractSize);
  const s = new Dec(context.positions.strategy[0]?.quantity ?? 0);
  const a = new Dec(context.positions.account[0]?.quantity ?? 0);

  // Quantity: positive, on the step, never above what was asked; approved means untouched.
  expect(q.gt(0)).toBe(true);
  expect(isMultipleOf(q, rules.amountStep)).toBe(true);
  expect(q.lte(requested)).toBe(true);
  expect(decision.outcome === "approved" ? q.eq(requested) : q.lt(requested)).toBe(true);

  // Prices and reference.
  const ref = new Dec(request.referencePrice as string);
  const limitPrice = request.limitPrice === undefined ? null : new Dec(request.limitPrice as string);
  const stopPrice = request.stopPrice === undefined ? null : new Dec(request.stopPrice as string);
  for (const p of [limitPrice, stopPrice]) if (p !== null) expect(p.gt(0) && isMultipleOf(p, rules.priceStep)).toBe(true);
  if (L.priceCollarBps !== null && request.kind === "limit" && limitPrice !== null) {
    expect(limitPrice.sub(ref).abs().mul(10_000).lte(ref.mul(L.priceCollarBps))).toBe(true);
  }
  if (L.maxReferencePriceAgeMs !== null) {
    expect(Math.abs(now.getTime() - (request.referencePriceAt as Date).getTime())).toBeLessThanOrEqual(L.maxReferencePriceAgeMs);
  }

  // The market's own limits, at the price the venue checks.
  const venuePrice = request.kind === "market" ? ref : (limitPrice ?? stopPrice ?? ref);
  const cost = q.mul(cs).mul(venuePrice);
  if (rules.minAmount !== undefined) expect(q.gte(rules.minAmount)).toBe(true);
  if (rules.maxAmount !== undefined) expect(q.lte(rules.maxAmount)).toBe(true);
  if (rules.minCost !== undefined) expect(cost.gte(rules.minCost)).toBe(true);
  if (rules.maxCost !== undefined) expect(cost.lte(rules.maxCost)).toBe(true);

  // Trading state and reduce-only.
  const reducing = shrinks(s, request.side, q) && shrinks(a, request.side, q);
  const { global, account, strategy } = context.tradingStates;
  const state = mostRestrictive(global, account, strategy);
  expect(state).not.toBe("HALTED");
  if (state === "REDUCING") expect(reducing).toBe(true);
  if (request.reduceOnly) expect(reducing).toBe(true);

  // Exposure caps bind everything that does not reduce.
  if (!reducing) {
    const vp = Dec.max(ref, limitPrice ?? ref, stopPrice ?? ref);
    const value = (position: Dec) => abs(position).mul(cs).mul(vp);
    const sAfter = s.add(q.mul(sign));
    const aAfter = a.add(q.mul(sign));
    const equity = new Dec(context.equity as string);
    if (L.maxOrderNotional !== null) expect(value(q).lte(L.maxOrderNotional)).toBe(true);
    if (L.maxPositionNotionalPerSymbol !== null) {
      expect(value(sAfter).lte(L.maxPositionNotionalPerSymbol)).toBe(true);
      expect(value(aAfter).lte(L.maxPositionNotionalPerSymbol)).toBe(true);
    }
    if (L.maxPositionQuantityPerSymbol !== null) {
      expect(abs(sAfter).lte(L.maxPositionQuantityPerSymbol)).toBe(true);
      expect(abs(aAfter).lte(L.maxPositionQuantityPerSymbol)).toBe(true);
    }
    if (L.maxLeverage !== null) expect(value(aAfter).lte(equity.mul(L.maxLeverage))).toBe(true);
    if (L.maxOpenPositions !== null && a.isZero()) {
      const nonFlat = context.positions.account.filter((p) => !new Dec(p.quantity as string).isZero()).length;
      expect(Math.max(context.openPositionsCount, nonFlat) + 1).toBeLessThanOrEqual(L.maxOpenPositions);
    }
    const gross = context.positions.account
      .slice(1)
      .reduce((sum, p) => sum.add(abs(new Dec(p.quantity as string)).mul(p.contractSize).mul(p.markPrice as string)), value(aAfter));
    if (L.maxGrossExposureMultiple !== null) expect(gross.lte(equity.mul(L.maxGrossExposureMultiple))).toBe(true);
    if (L.maxGrossExposureNotional !== null) expect(gross.lte(L.maxGrossExposureNotional)).toBe(true);
  }

  // Rate: this order included, no more than the limit in the trailing minute.
  if (L.maxOrdersPerMinute !== null) {
    const recent = context.recentOrderTimes.filter((t) => (t as number) > now.getTime() - 60_000).length;
    expect(recent + 1).toBeLessThanOrEqual(L.maxOrdersPerMinute);
  }

  // Daily loss: past the limit (or unknowable) only what the configured state allows.
  if (L.maxDailyLossPercent !== null) {
    const pnl = new Dec(context.dailyPnl.realized as string).add(context.dailyPnl.unrealized as string);
    const start = new Dec(context.equity as string).sub(pnl);
    const fresh = (context.dailyPnl.since as Date).getTime() === DAY;
    const crossed = !fresh || start.lte(0) || Dec.max(pnl.neg(), 0).mul(100).gte(start.mul(L.maxDailyLossPercent));
    if (crossed) expect(L.dailyLossAction === "REDUCING" && reducing).toBe(true);
  }
}

describe("evaluateOrder properties", () => {
  it(`never lets an order through above a configured limit, off the step, or larger than asked (${RUNS} runs)`, () => {
    const outcomes = { approved: 0, resized: 0, denied: 0 };
    fc.assert(
      fc.property(caseArb, ({ request, context, now }) => {
        const decision = evaluateOrder(request, context, now);
        outcomes[decision.outcome]++;
        if (decision.outcome !== "denied") expectWithinLimits(request, context, now, decision);
      }),
      { numRuns: RUNS },
    );
    // The property says little if nearly everything is denied.
    expect(outcomes.approved + outcomes.resized).toBeGreaterThan(RUNS / 20);
  });

  it(`never throws, never fails internally, and always returns consistent plain data (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(caseArb, ({ request, context, now }) => {
        const decision = evaluateOrder(request, context, now);
        expect(decision.reason).not.toBe("RISK_ENGINE_ERROR");
        expect(JSON.parse(JSON.stringify(decision))).toStrictEqual(decision);
        if (decision.outcome === "approved") expect([decision.reason, decision.limit]).toEqual([null, null]);
        if (decision.outcome === "resized") expect(decision.reason).not.toBeNull();
        if (decision.outcome === "denied") {
          expect(decision.order).toBeNull();
          expect(decision.reason).not.toBeNull();
          expect(decision.checks.filter((c) => !c.passed)).toHaveLength(1);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
