import { Dec } from "../../src/domain/decimal.js";
import { btcSpot } from "../helpers/markets.js";
import type { MarketRules } from "../../src/domain/market.js";
import { CanonicalSignalSchema, type CanonicalSignal, type CanonicalSignalInput } from "../../src/domain/signal.js";
import { StrategyConfigSchema, type StrategyConfig, type StrategyConfigInput } from "../../src/domain/strategy-config.js";
import { planOrders } from "../../src/strategy/manager/index.js";
import type { OrderPlan, PlanInput } from "../../src/strategy/manager/index.js";

/** Shared factories for the strategy manager tests; every number is small enough to check by hand. */

/** Spot: 0.001 BTC steps, 0.01 ticks, one unit per contract. */
export const SPOT: MarketRules = btcSpot();

/** Linear perpetual: contracts of 0.001 BTC, whole contracts, 0.1 ticks. */
export const PERP: MarketRules = {
  symbol: "BTC/USDT:USDT",
  base: "BTC",
  quote: "USDT",
  kind: "swap",
  contractSize: "0.001",
  amountStep: "1",
  priceStep: "0.1",
  makerFeeBps: "2",
  takerFeeBps: "5",
};

export function signal(input: Omit<CanonicalSignalInput, "symbol"> & { symbol?: string }): CanonicalSignal {
  return CanonicalSignalSchema.parse({ symbol: "BTC/USDT", ...input });
}

export function config(overrides: StrategyConfigInput = {}): StrategyConfig {
  return StrategyConfigSchema.parse(overrides);
}

export type PlanArgs = {
  signal: CanonicalSignal;
  config?: StrategyConfig;
  position?: string;
  rules?: MarketRules;
  referencePrice?: string | null;
};

/** planOrders with defaults: default config, flat, spot, reference 50000 (null: no reference). */
export function plan(args: PlanArgs): OrderPlan {
  const input: PlanInput = {
    signal: args.signal,
    config: args.config ?? config(),
    position: args.position === undefined ? undefined : { quantity: args.position },
    rules: args.rules ?? SPOT,
    referencePrice: args.referencePrice === null ? undefined : (args.referencePrice ?? "50000"),
  };
  return planOrders(input);
}

export function codes(p: OrderPlan): string[] {
  return p.notes.map((n) => n.code);
}

/**
 * The position after every order of the plan fills in full: buys add, sells subtract. Only exact
 * quantities can be replayed; a sized entry has no quantity until the risk engine sizes it.
 */
export function afterFills(position: string, p: OrderPlan): string {
  let q = new Dec(position);
  for (const order of p.orders) {
    if (order.quantity.type !== "exact") throw new Error(`leg ${order.leg} is sized`);
    q = order.side === "buy" ? q.add(order.quantity.value) : q.sub(order.quantity.value);
  }
  return q.isZero() ? "0" : q.toFixed();
}
