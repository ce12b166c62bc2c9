import { AVERAGE_PRICE_PLACES, averagePrice, bps, dec, plain, roundToStep, ZERO, type Dec } from "../../domain/decimal.js";
import { isValidPrice, isValidQuantity, notional, type MarketRules } from "../../domain/market.js";
import { canTransition, type Fill, type Order, type OrderSide, type OrderStatus } from "../../domain/order.js";
import type { FillIdSource } from "./matching-config.js";

/** Statuses of an order the venue holds: "new" has not reached the venue yet. */
export const WORKING_STATUSES: readonly OrderStatus[] = ["submitted", "partially_filled"];

export function remainingQuantity(order: Order): Dec {
  return dec(order.quantity).sub(order.filledQuantity);
}

/**
 * The reference price moved against the taker by the slippage, then put on the price grid away from
 * the taker (up for a buy, down for a sell), so a fill is never better than the slipped price.
 */
export function takerPrice(side: OrderSide, reference: Dec, rules: MarketRules, slippageBps: string): Dec {
  if (!reference.gt(0)) throw new RangeError(`reference price must be positive, got ${plain(reference)}`);
  const step = dec(rules.priceStep);
  const slip = bps(slippageBps);
  const slipped = side === "buy" ? reference.mul(slip.add(1)) : reference.mul(dec(1).sub(slip));
  const units = slipped.div(step);
  const price = (side === "buy" ? units.ceil() : units.floor()).mul(step);
  // A sell at a price within one tick of zero slips to zero: no fill is better than a free one.
  if (!price.gt(0)) throw new RangeError(`${rules.symbol}: a sell at ${plain(reference)} slips below one price step`);
  return price;
}

/** Fails closed on an order the venue should never have accepted: off-grid prices break exact averages. */
export function checkOrder(order: Order, rules: MarketRules): void {
  if (order.symbol !== rules.symbol) throw new RangeError(`order ${order.id} is for ${order.symbol}, rules are for ${rules.symbol}`);
  if (!isValidQuantity(rules, dec(order.quantity))) throw new RangeError(`order ${order.id}: quantity ${order.quantity} is not a positive multiple of ${rules.amountStep}`);
  const remaining = remainingQuantity(order);
  if (remaining.lte(0) || !isValidQuantity(rules, remaining)) throw new RangeError(`order ${order.id}: remaining quantity ${plain(remaining)} cannot fill`);
  const price = order.kind === "limit" ? order.limitPrice : order.kind === "stop" ? order.stopPrice : undefined;
  if (price === null) throw new RangeError(`${order.kind} order ${order.id} has no ${order.kind} price`);
  if (price !== undefined && !isValidPrice(rules, dec(price))) throw new RangeError(`order ${order.id}: price ${price} is not a positive multiple of ${rules.priceStep}`);
}

export function buildFill(input: {
  order: Order;
  quantity: Dec;
  price: Dec;
  liquidity: Fill["liquidity"];
  feeBps: string;
  rules: MarketRules;
  at: Date;
  nextId: FillIdSource;
}): Fill {
  const { order, quantity, price } = input;
  return {
    id: input.nextId("fil"),
    orderId: order.id,
    accountId: order.accountId,
    strategyId: order.strategyId,
    symbol: order.symbol,
    side: order.side,
    quantity: plain(quantity),
    price: plain(price),
    fee: plain(notional(input.rules, quantity, price).mul(bps(input.feeBps))),
    liquidity: input.liquidity,
    filledAt: input.at,
  };
}

/** The order after `fill`: filled quantity, exact-as-stored average price, and a legal status transition. */
export function applyFillToOrder(order: Order, fill: Fill, rules: MarketRules): Order {
  const remaining = remainingQuantity(order);
  const quantity = dec(fill.quantity);
  if (quantity.gt(remaining)) throw new RangeError(`fill ${fill.id} of ${fill.quantity} exceeds the ${plain(remaining)} left on order ${order.id}`);
  const filledQuantity = dec(order.filledQuantity).add(quantity);
  const filledValue = previousFilledValue(order, rules).add(quantity.mul(fill.price));
  const status: OrderStatus = filledQuantity.eq(order.quantity) ? "filled" : "partially_filled";
  if (!canTransition(order.status, status)) throw new RangeError(`order ${order.id} cannot go from ${order.status} to ${status}`);
  return {
    ...order,
    status,
    filledQuantity: plain(filledQuantity),
    averageFillPrice: plain(averagePrice(filledValue, filledQuantity)),
    updatedAt: fill.filledAt,
  };
}

/**
 * Σ q×p of the fills so far, from the stored average. The average may have been rounded to
 * AVERAGE_PRICE_PLACES, but every fill sits on the amount and price grids, so Σ q×p is a multiple of
 * amountStep × priceStep: while the rounding error times the filled quantity stays under half of that
 * grain, rounding back to the grain recovers the exact sum and averages never drift across partials.
 */
function previousFilledValue(order: Order, rules: MarketRules): Dec {
  const filled = dec(order.filledQuantity);
  if (order.averageFillPrice === null || filled.isZero()) return ZERO;
  const approximate = filled.mul(order.averageFillPrice);
  const grain = dec(rules.amountStep).mul(rules.priceStep);
  const worstError = filled.mul(dec(10).pow(-AVERAGE_PRICE_PLACES)).div(2);
  return worstError.lt(grain.div(2)) ? roundToStep(approximate, grain) : approximate;
}
