import { dec, Dec, type DecimalLike } from "../../domain/decimal.js";
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

/**
 * A limit order marketable on arrival (a buy limited above the reference price, a sell below it)
 * takes liquidity at once, as at a venue: in full, at the reference slipped against the taker but
 * never past its limit, with the taker fee. Resting and filling later at its own limit, it paid
 * the limit where the market was better: a buy limited 1 % above a price of 100 cost 101.
 * Undefined when the order rests; one limited exactly at the reference does (with one price and
 * no book, equal is not through the market), and later fills at its limit as a maker.
 */
export function fillMarketableLimit(
  order: Order,
  referencePrice: DecimalLike,
  rules: MarketRules,
  config: PaperMatchingConfig,
  at: Date,
  nextId: FillIdSource,
): OrderMatch | undefined {
  checkMatchingConfig(config);
  if (order.kind !== "limit") throw new RangeError(`order ${order.id} is a ${order.kind} order, not a limit order`);
  if (!WORKING_STATUSES.includes(order.status)) throw new RangeError(`order ${order.id} is ${order.status}, not working at the venue`);
  checkOrder(order, rules);
  const reference = dec(referencePrice);
  const limit = dec(order.limitPrice ?? "0");
  const buy = order.side === "buy";
  if (!(buy ? reference.lt(limit) : reference.gt(limit))) return undefined;
  const slipped = takerPrice(order.side, reference, rules, config.slippageBps);
  const price = buy ? Dec.min(slipped, limit) : Dec.max(slipped, limit);
  const fill = buildFill({ order, quantity: remainingQuantity(order), price, liquidity: "taker", feeBps: config.takerFeeBps, rules, at, nextId });
  return { fills: [fill], order: applyFillToOrder(order, fill, rules) };
}
