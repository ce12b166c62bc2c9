import { dec, type DecimalLike } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import type { Fill, Order } from "../../domain/order.js";
import { checkMatchingConfig, type FillIdSource, type PaperMatchingConfig } from "./matching-config.js";
import { applyFillToOrder, buildFill, checkOrder, remainingQuantity, takerPrice, WORKING_STATUSES } from "./order-fills.js";

export type OrderMatch = {
  readonly fills: readonly Fill[];
  readonly order: Order;
};

/**
 * Fills a market order in full at the reference price slipped against the taker, with the taker
 * fee. Partial fills model resting liquidity, so partialFillRatio does not apply here.
 */
export function fillMarketOrder(
  order: Order,
  referencePrice: DecimalLike,
  rules: MarketRules,
  config: PaperMatchingConfig,
  at: Date,
  nextId: FillIdSource,
): OrderMatch {
  checkMatchingConfig(config);
  if (order.kind !== "market") throw new RangeError(`order ${order.id} is a ${order.kind} order, not a market order`);
  if (!WORKING_STATUSES.includes(order.status)) throw new RangeError(`order ${order.id} is ${order.status}, not working at the venue`);
  checkOrder(order, rules);
  const price = takerPrice(order.side, dec(referencePrice), rules, config.slippageBps);
  const fill = buildFill({ order, quantity: remainingQuantity(order), price, liquidity: "taker", feeBps: config.takerFeeBps, rules, at, nextId });
  return { fills: [fill], order: applyFillToOrder(order, fill, rules) };
}
