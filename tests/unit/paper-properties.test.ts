import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyFillToCash, equity, openPaperAccount, type PaperAccount } from "../../src/domain/account.js";
import { averagePrice, dec, isMultipleOf, plain, ZERO, type Dec } from "../../src/domain/decimal.js";
import type { MarketRules } from "../../src/domain/market.js";
import type { Fill, Order } from "../../src/domain/order.js";
import { applyFill, signedQuantity, unrealizedPnl, type Position } from "../../src/domain/position.js";
import { fillMarketOrder, onPrice, remainingQuantity, type PaperMatchingConfig } from "../../src/execution/paper/index.js";
import { at, BTC, COARSE, ETH_PERP, makeFill, makeOrder, sequentialIds } from "./paper-fixtures.js";

const XRP_PERP: MarketRules = { ...COARSE, symbol: "XRP/USDT:USDT", base: "XRP", kind: "swap", contractSize: "10", priceStep: "0.0001" };
const MARKETS = [BTC, ETH_PERP, COARSE, XRP_PERP] as const;
const RUNS = { numRuns: 200 };

function market(index: number): MarketRules {
  return MARKETS[index % MARKETS.length]!;
}

const side = fc.constantFrom("buy" as const, "sell" as const);

// Few quantity units, so positions often close exactly and flip.
const fillSpec = fc.record({
  market: fc.nat({ max: MARKETS.length - 1 }),
  strategy: fc.constantFrom("stg_1", "stg_2"),
  side,
  units: fc.integer({ min: 1, max: 20 }),
  ticks: fc.integer({ min: 1, max: 200_000 }),
  feeMicros: fc.integer({ min: -1_000, max: 100_000 }),
});

type FillSpec = typeof fillSpec extends fc.Arbitrary<infer T> ? T : never;
type Tracked = { position: Position; fillIds: string[] };

/** Runs the fills through positions and cash the way the paper venue will. */
function replay(specs: readonly FillSpec[], startingCash: string) {
  let account: PaperAccount = openPaperAccount({ id: "acc_1", currency: "USDT", startingCash });
  const tracked: Tracked[] = [];
  const current = new Map<string, Tracked>();
  const fills: Fill[] = [];
  let realizedFromUpdates = ZERO;
  specs.forEach((spec, i) => {
    const rules = market(spec.market);
    const fill = makeFill({
      id: `fil_${i}`,
      strategyId: spec.strategy,
      symbol: rules.symbol,
      side: spec.side,
      quantity: plain(dec(spec.units).mul(rules.amountStep)),
      price: plain(dec(spec.ticks).mul(rules.priceStep)),
      fee: plain(dec(spec.feeMicros).div(1_000_000)),
      filledAt: at(i),
    });
    fills.push(fill);
    const key = `${spec.strategy}|${rules.symbol}`;
    const held = current.get(key);
    const before = held === undefined ? undefined : structuredClone(held.position);
    const update = applyFill(held?.position, fill, rules);
    if (held !== undefined) expect(held.position).toEqual(before);
    realizedFromUpdates = realizedFromUpdates.add(update.realizedPnl);
    if (held === undefined || held.position.status === "closed") {
      expect(update.position.openingFillId).toBe(fill.id);
      const fresh = { position: update.position, fillIds: [fill.id] };
      tracked.push(fresh);
      current.set(key, fresh);
    } else {
      expect(update.position.openingFillId).toBe(held.position.openingFillId);
      held.position = update.position;
      held.fillIds.push(fill.id);
    }
    account = applyFillToCash(account, fill, rules);
  });
  return { account, tracked, fills, realizedFromUpdates };
}

/** The expected partition, computed independently: per key, a position ends where the running quantity returns to zero. */
function segments(fills: readonly Fill[]): string[][] {
  const open = new Map<string, { ids: string[]; net: Dec }>();
  const done: string[][] = [];
  for (const fill of fills) {
    const key = `${fill.strategyId}|${fill.symbol}`;
    const segment = open.get(key) ?? { ids: [], net: ZERO };
    segment.ids.push(fill.id);
    segment.net = segment.net.add(signedQuantity(fill));
    if (segment.net.isZero()) {
      done.push(segment.ids);
      open.delete(key);
    } else {
      open.set(key, segment);
    }
  }
  return [...done, ...Array.from(open.values(), (s) => s.ids)].sort((a, b) => Number(a[0]!.slice(4)) - Number(b[0]!.slice(4)));
}

describe("positions over random fills", () => {
  it("(a) net quantity is the sum of the position's fills, and positions partition the fills", () => {
    fc.assert(
      fc.property(fc.array(fillSpec, { maxLength: 60 }), (specs) => {
        const { tracked, fills } = replay(specs, "0");
        const byId = new Map(fills.map((f) => [f.id, f]));
        for (const { position, fillIds } of tracked) {
          const net = fillIds.reduce((sum, id) => sum.add(signedQuantity(byId.get(id)!)), ZERO);
          expect(plain(net)).toBe(position.quantity);
          expect(position.status === "closed").toBe(net.isZero());
        }
        expect(tracked.map((t) => t.fillIds)).toEqual(segments(fills));
      }),
      RUNS,
    );
  });

  it("(b) cash + positions at the marks == start + realized + unrealized − fees, exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fillSpec, { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: MARKETS.length, maxLength: MARKETS.length }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (specs, markTicks, start) => {
          const { account, tracked, realizedFromUpdates } = replay(specs, String(start));
          const marks = Object.fromEntries(MARKETS.map((m, i) => [m.symbol, plain(dec(markTicks[i]!).mul(m.priceStep))]));
          const rulesOf = (symbol: string) => MARKETS.find((m) => m.symbol === symbol)!;
          const positions = tracked.map((t) => t.position);
          const realized = positions.reduce((sum, p) => sum.add(p.realizedPnl), ZERO);
          const unrealized = positions.reduce((sum, p) => sum.add(unrealizedPnl(p, marks[p.symbol]!, rulesOf(p.symbol))), ZERO);
          const fees = positions.reduce((sum, p) => sum.add(p.fees), ZERO);
          expect(plain(realized)).toBe(plain(realizedFromUpdates));
          expect(plain(fees)).toBe(account.fees);
          expect(equity(account, positions, marks)).toBe(plain(dec(start).add(realized).add(unrealized).sub(fees)));
        },
      ),
      RUNS,
    );
  });
});

const orderSpec = fc.record({
  kind: fc.constantFrom("limit" as const, "stop" as const, "market" as const),
  side,
  units: fc.integer({ min: 1, max: 5_000 }),
  ticks: fc.integer({ min: 1_000, max: 3_000 }),
});

const configSpec = fc.record({
  slippageBps: fc.integer({ min: 0, max: 100 }).map(String),
  makerFeeBps: fc.integer({ min: -2, max: 10 }).map(String),
  takerFeeBps: fc.integer({ min: 0, max: 20 }).map(String),
  partialFillRatio: fc.option(fc.constantFrom("0.1", "0.25", "0.333", "0.5", "0.9", "1"), { nil: undefined }),
});

describe("paper matching over random price events", () => {
  it("(c) never overfills, and every fill is on the amount and price grids", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: MARKETS.length - 1 }),
        fc.array(orderSpec, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 900, max: 3_100 }), { minLength: 1, maxLength: 30 }),
        configSpec,
        (marketIndex, specs, eventTicks, config: PaperMatchingConfig) => {
          const rules = market(marketIndex);
          const nextId = sequentialIds();
          let orders: readonly Order[] = specs.map((spec, i) => {
            const price = plain(dec(spec.ticks).mul(rules.priceStep));
            return makeOrder({
              id: `ord_${i}`,
              symbol: rules.symbol,
              side: spec.side,
              kind: spec.kind,
              quantity: plain(dec(spec.units).mul(rules.amountStep)),
              limitPrice: spec.kind === "limit" ? price : null,
              stopPrice: spec.kind === "stop" ? price : null,
            });
          });
          const fillsByOrder = new Map<string, Fill[]>(orders.map((o) => [o.id, []]));
          const check = (fill: Fill, before: Order) => {
            const quantity = dec(fill.quantity);
            expect(quantity.gt(0)).toBe(true);
            expect(quantity.lte(remainingQuantity(before))).toBe(true);
            expect(isMultipleOf(quantity, rules.amountStep)).toBe(true);
            expect(dec(fill.price).gt(0)).toBe(true);
            expect(isMultipleOf(fill.price, rules.priceStep)).toBe(true);
            if (before.kind === "limit") expect(fill.price).toBe(before.limitPrice);
            fillsByOrder.get(before.id)!.push(fill);
          };

          eventTicks.forEach((ticks, i) => {
            const result = onPrice(orders, dec(ticks).mul(rules.priceStep), rules, config, at(i), nextId);
            const before = new Map(orders.map((o) => [o.id, o]));
            for (const fill of result.fills) check(fill, before.get(fill.orderId)!);
            result.orders.forEach((order, k) => {
              if (!result.fills.some((f) => f.orderId === order.id)) expect(order).toBe(orders[k]);
            });
            orders = result.orders;
          });
          orders = orders.map((order) => {
            if (order.kind !== "market") return order;
            const result = fillMarketOrder(order, dec(eventTicks[0]!).mul(rules.priceStep), rules, config, at(99), nextId);
            result.fills.forEach((fill) => check(fill, order));
            return result.order;
          });

          for (const order of orders) {
            const fills = fillsByOrder.get(order.id)!;
            const filled = fills.reduce((sum, f) => sum.add(f.quantity), ZERO);
            const value = fills.reduce((sum, f) => sum.add(dec(f.quantity).mul(f.price)), ZERO);
            expect(plain(filled)).toBe(order.filledQuantity);
            expect(dec(order.filledQuantity).lte(order.quantity)).toBe(true);
            expect(order.averageFillPrice).toBe(fills.length === 0 ? null : plain(averagePrice(value, filled)));
            const expectedStatus = filled.isZero() ? "submitted" : filled.eq(order.quantity) ? "filled" : "partially_filled";
            expect(order.status).toBe(expectedStatus);
            if (config.partialFillRatio === undefined && fills.length > 0) expect(fills).toHaveLength(1);
          }
        },
      ),
      RUNS,
    );
  });
});
