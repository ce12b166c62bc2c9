import { dec, plain, truncateToStep, type Dec, type DecimalLike } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import type { Fill, Order } from "../../domain/order.js";
import { checkMatchingConfig, type FillIdSource, type PaperMatchingConfig } from "./matching-config.js";
import { applyFillToOrder, buildFill, checkOrder, remainingQuantity, takerPrice, WORKING_STATUSES } from "./order-fills.js";

export type PriceEventResult = {
  readonly fills: readonly Fill[];
  /** Every input order, in input order: updated where it filled, the same object where it did not. */
  readonly orders: readonly Order[];
};

type Execution = { price: Dec; liquidity: Fill["liquidity"]; feeBps: string };

/**
 * One price event (a trade or mark in `rules.symbol`) against the resting orders. Limits fill at
 * their limit price as makers; stop-markets trigger and fill like market orders at the event price.
 * Orders in other symbols, market orders and orders not working at the venue pass through untouched.
 */
export function onPrice(
  restingOrders: readonly Order[],
  price: DecimalLike,
  rules: MarketRules,
  config: PaperMatchingConfig,
  at: Date,
  nextId: FillIdSource,
): PriceEventResult {
  checkMatchingConfig(config);
  const eventPrice = dec(price);
  if (!eventPrice.gt(0)) throw new RangeError(`price event for ${rules.symbol} must be positive, got ${plain(eventPrice)}`);
  const fills: Fill[] = [];
  const orders = restingOrders.map((order) => {
    if (order.symbol !== rules.symbol || order.kind === "market" || !WORKING_STATUSES.includes(order.status)) return order;
    checkOrder(order, rules);
    const execution = match(order, eventPrice, rules, config);
    if (execution === undefined) return order;
    const quantity = quantityThisEvent(order, rules, config.partialFillRatio);
    const fill = buildFill({ order, quantity, ...execution, rules, at, nextId });
    fills.push(fill);
    return applyFillToOrder(order, fill, rules);
  });
  return { fills, orders };
}

function match(order: Order, price: Dec, rules: MarketRules, config: PaperMatchingConfig): Execution | undefined {
  if (order.kind === "limit") {
    const limit = dec(order.limitPrice ?? "0");
    const crosses = order.side === "buy" ? price.lte(limit) : price.gte(limit);
    return crosses ? { price: limit, liquidity: "maker", feeBps: config.makerFeeBps } : undefined;
  }
  const stop = dec(order.stopPrice ?? "0");
  // The Order type has no "triggered" flag; a stop that has filled at all was triggered, and keeps
  // filling as a market order on later events even if the price has moved back.
  const triggered = dec(order.filledQuantity).gt(0) || (order.side === "buy" ? price.gte(stop) : price.lte(stop));
  return triggered ? { price: takerPrice(order.side, price, rules, config.slippageBps), liquidity: "taker", feeBps: config.takerFeeBps } : undefined;
}

/**
 * At most ratio × remaining, truncated to the step; the whole remainder when that would be nothing or
 * leave dust. checkOrder keeps the remainder on the step, so dust is only a guard for that check.
 */
function quantityThisEvent(order: Order, rules: MarketRules, ratio: string | undefined): Dec {
  const remaining = remainingQuantity(order);
  if (ratio === undefined) return remaining;
  const partial = truncateToStep(remaining.mul(ratio), rules.amountStep);
  if (partial.lte(0) || remaining.sub(partial).lt(rules.amountStep)) return remaining;
  return partial;
}
