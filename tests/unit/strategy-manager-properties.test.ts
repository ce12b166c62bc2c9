import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import type { MarketRules } from "../../src/domain/market.js";
import type { CanonicalSignal } from "../../src/domain/signal.js";
import type { StrategyConfig } from "../../src/domain/strategy-config.js";
import { planOrders, type OrderPlan } from "../../src/strategy/manager/index.js";
import { afterFills, config, PERP, SPOT, signal } from "./strategy-manager-fixtures.js";

/** Coarse steps and 10-unit contracts, so truncation and unit conversion both matter. */
const COARSE: MarketRules = { ...SPOT, symbol: "XRP/USDT:USDT", base: "XRP", kind: "swap", contractSize: "10", amountStep: "0.5", priceStep: "0.0001" };
const MARKETS = [SPOT, PERP, COARSE] as const;
const RUNS = { numRuns: 300 };

const market = fc.constantFrom(...MARKETS);
const stepsOf = (rules: MarketRules, n: number) => new Dec(rules.amountStep).mul(n);

/** A position on the market's step, a target side and a size in base units that is often off the step. */
const scenario = fc.record({
  rules: market,
  positionSteps: fc.integer({ min: -40, max: 40 }),
  side: fc.constantFrom("long" as const, "short" as const, "flat" as const),
  targetSteps: fc.integer({ min: 0, max: 60 }),
  thousandths: fc.integer({ min: 0, max: 999 }),
  orderType: fc.constantFrom("market" as const, "limit" as const),
  reference: fc.constantFrom("50000", "0.5123", undefined),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function setup(s: Scenario) {
  const position = stepsOf(s.rules, s.positionSteps).toFixed();
  // A long or short target is never of size 0 (ingest refuses that); below one step it truncates to flat.
  const thousandths = s.targetSteps === 0 && s.thousandths === 0 ? 1 : s.thousandths;
  const units = new Dec(s.targetSteps).add(new Dec(thousandths).div(1000)).mul(s.rules.amountStep);
  const size = s.side === "flat" ? "0" : units.mul(s.rules.contractSize).toFixed();
  const sig: CanonicalSignal = signal({
    symbol: s.rules.symbol,
    intent: { action: "target", side: s.side, size },
    ...(s.orderType === "limit" ? { orderType: "limit", limitPrice: "100" } : {}),
  });
  // Truncated to the step toward zero, signed by the side: where the position must end.
  const fitted = new Dec(s.targetSteps).mul(s.rules.amountStep);
  const expected = s.side === "flat" ? new Dec(0) : s.side === "short" ? fitted.neg() : fitted;
  return { position, sig, expected };
}

function run(sig: CanonicalSignal, position: string, rules: MarketRules, cfg: StrategyConfig, reference?: string): OrderPlan {
  return planOrders({ signal: sig, config: cfg, position: { quantity: position }, rules, referencePrice: reference });
}

/** Exits reduce without crossing zero and never exceed what is held; entries add on their side. */
function checkLegs(position: string, p: OrderPlan): void {
  let q = new Dec(position);
  p.orders.forEach((o, i) => {
    expect(o.leg).toBe(i);
    if (o.quantity.type !== "exact") return;
    const amount = new Dec(o.quantity.value);
    expect(amount.gt(0)).toBe(true);
    const next = o.side === "buy" ? q.add(amount) : q.sub(amount);
    if (o.role === "exit") {
      expect(o.reduceOnly).toBe(true);
      expect(amount.lte(q.abs())).toBe(true);
      expect(next.isZero() || next.isNeg() === q.isNeg()).toBe(true);
    } else {
      expect(o.reduceOnly).toBe(false);
      expect(next.abs().gt(q.abs())).toBe(true);
    }
    q = next;
  });
}

describe("target plans (properties)", () => {
  it("land exactly on the target truncated to the step, with exits never above the position", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { position, sig, expected } = setup(s);
        const p = run(sig, position, s.rules, config(), s.reference);
        expect(p.orders.length === 0).toBe(p.noop !== undefined);
        checkLegs(position, p);
        expect(afterFills(position, p)).toBe(expected.isZero() ? "0" : expected.toFixed());
        if (p.noop) expect(p.noop.code).toBe("ALREADY_AT_TARGET");
      }),
      RUNS,
    );
  });

  it("are no-ops once reached: planning the same target again orders nothing", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { position, sig } = setup(s);
        const reached = afterFills(position, run(sig, position, s.rules, config(), s.reference));
        const again = run(sig, reached, s.rules, config(), s.reference);
        expect(again.orders).toEqual([]);
        expect(again.noop?.code).toBe("ALREADY_AT_TARGET");
      }),
      RUNS,
    );
  });

  it("never take an exact entry past maxPositionPerSymbol", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 40 }), (s, maxSteps) => {
        const max = stepsOf(s.rules, maxSteps);
        fc.pre(new Dec(s.positionSteps).abs().lte(maxSteps));
        const { position, sig, expected } = setup(s);
        const p = run(sig, position, s.rules, config({ maxPositionPerSymbol: max.toFixed() }), s.reference);
        checkLegs(position, p);
        const landed = new Dec(afterFills(position, p));
        const capped = Dec.min(expected.abs(), max).mul(expected.isNeg() ? -1 : 1);
        expect(landed.eq(capped)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("planOrders (properties)", () => {
  const anyText = fc.oneof(fc.string(), fc.constantFrom("0", "-1", "1e3", "NaN", "0.0000001", "100", "101", ""));
  const intent = fc.oneof(
    fc.record({ action: fc.constantFrom("open", "reverse"), side: fc.constantFrom("long", "short") }),
    fc.record({ action: fc.constant("close"), side: fc.constantFrom("long", "short", undefined) }),
    fc.record({
      action: fc.constant("target"),
      side: fc.constantFrom("long", "short", "flat", "up"),
      size: fc.option(anyText, { nil: undefined }),
      orderSide: fc.constantFrom("buy", "sell", undefined),
    }),
    fc.anything(),
  );
  const loose = fc.record({
    intent,
    quantity: fc.option(fc.record({ value: anyText, unit: fc.constantFrom("base", "quote", "percent_equity", "percent_position", "lots") }), { nil: undefined }),
    orderType: fc.constantFrom("market", "limit", "stop", "iceberg"),
    limitPrice: fc.option(anyText, { nil: undefined }),
    stopLoss: fc.option(fc.record({ price: fc.option(anyText, { nil: undefined }), percent: fc.option(anyText, { nil: undefined }) }), { nil: undefined }),
    previousPosition: fc.option(fc.record({ side: fc.constantFrom("long", "short", "flat") }), { nil: undefined }),
  });

  it("never throws, and either orders something or says why not", () => {
    fc.assert(
      fc.property(loose, market, anyText, fc.option(anyText, { nil: undefined }), fc.boolean(), (raw, rules, position, reference, pyramiding) => {
        const sig = { symbol: rules.symbol, ...raw } as unknown as CanonicalSignal;
        const cfg = config({ pyramiding, defaultStopLossPercent: "2", defaultOrderType: { type: "limit", offsetBps: "5" } });
        const p = planOrders({ signal: sig, config: cfg, position: { quantity: position }, rules, referencePrice: reference });
        expect(p.orders.length === 0).toBe(p.noop !== undefined);
        p.orders.forEach((o, i) => expect(o.leg).toBe(i));
      }),
      RUNS,
    );
  });

  it("never plans an exit larger than the position, whatever the intent", () => {
    fc.assert(
      fc.property(loose, market, fc.integer({ min: -40, max: 40 }), (raw, rules, steps) => {
        const position = stepsOf(rules, steps).toFixed();
        const sig = { symbol: rules.symbol, ...raw } as unknown as CanonicalSignal;
        const p = planOrders({ signal: sig, config: config({ pyramiding: true }), position: { quantity: position }, rules, referencePrice: "50000" });
        checkLegs(position, p);
      }),
      RUNS,
    );
  });
});
