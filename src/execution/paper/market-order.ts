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
 * What an order does on arrival at the paper venue: a market order, and a limit already through the
 * reference price, fill at once (fillMarketOrder, fillMarketableLimit); undefined when it rests.
 */
export function fillOnArrival(
  order: Order,
  referencePrice: DecimalLike,
  rules: MarketRules,
  config: PaperMatchingConfig,
  at: Date,
  nextId: FillIdSource,
): OrderMatch | undefined {
  if (order.kind === "market") return fillMarketOrder(order, referencePrice, rules, config, at, nextId);
  if (order.kind === "limit") return fillMarketableLimit(order, referencePrice, rules, config, at, nextId);
  return undefined;
}

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
  checkArrival(order, "market", rules, config);
  return takeInFull(order, takerPrice(order.side, dec(referencePrice), rules, config.slippageBps), rules, config, at, nextId);
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
  checkArrival(order, "limit", rules, config);
  const reference = dec(referencePrice);
  const limit = dec(order.limitPrice ?? "0");
  const buy = order.side === "buy";
  if (!(buy ? reference.lt(limit) : reference.gt(limit))) return undefined;
  const slipped = takerPrice(order.side, reference, rules, config.slippageBps);
  return takeInFull(order, buy ? Dec.min(slipped, limit) : Dec.max(slipped, limit), rules, config, at, nextId);
}

/** Fails closed on an order that cannot take liquidity here: another kind, not working, or off the market's grid. */
function checkArrival(order: Order, kind: "market" | "limit", rules: MarketRules, config: PaperMatchingConfig): void {
  checkMatchingConfig(config);
  if (order.kind !== kind) throw new RangeError(`order ${order.id} is a ${order.kind} order, not a ${kind} order`);
  if (!WORKING_STATUSES.includes(order.status)) throw new RangeError(`order ${order.id} is ${order.status}, not working at the venue`);
  checkOrder(order, rules);
}

/** The whole remainder as one taker fill at `price`. */
function takeInFull(order: Order, price: Dec, rules: MarketRules, config: PaperMatchingConfig, at: Date, nextId: FillIdSource): OrderMatch {
  const fill = buildFill({ order, quantity: remainingQuantity(order), price, liquidity: "taker", feeBps: config.takerFeeBps, rules, at, nextId });
  return { fills: [fill], order: applyFillToOrder(order, fill, rules) };
}
