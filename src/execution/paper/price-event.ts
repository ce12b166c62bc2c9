import { Dec, dec, plain, truncateToStep, ZERO, type DecimalLike } from "../../domain/decimal.js";
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
 * The signed open position of each (account, strategy, symbol) the resting orders belong to, by
 * positionKey; a key that is missing is flat. Reduce-only orders fill against it and it is updated
 * as they do, so two of them crossed by one event (a stop and a target) never reduce it twice.
 */
export type HeldPositions = Map<string, Dec>;

export function positionKey(of: { readonly accountId: string; readonly strategyId: string; readonly symbol: string }): string {
  return `${of.accountId}\u0000${of.strategyId}\u0000${of.symbol}`;
}

/**
 * One price event (a trade or mark in `rules.symbol`) against the resting orders. Limits fill at
 * their limit price as makers; stop-markets trigger and fill like market orders at the event price.
 * Orders in other symbols, market orders and orders not working at the venue pass through untouched.
 *
 * With `held`, a reduce-only order (an exit, a stop-loss, a take-profit) fills at most what is left
 * of the position it reduces, as a venue's reduce-only flag does: a stop sized for a position that a
 * signal has since halved closes the half, and the rest of the order is cancelled rather than left
 * to open the other side. One with nothing left to reduce is cancelled unfilled, and so is every
 * reduce-only order of a position the event closes.
 *
 * With `refuse`, an order that adds to a position (not reduce-only) and would fill now is asked why
 * it may not: its trading state (REDUCING or HALTED, which the risk engine may have set since the
 * order was placed). It is then cancelled with that reason, unfilled, instead of opening risk the
 * state forbids.
 */
export function onPrice(
  restingOrders: readonly Order[],
  price: DecimalLike,
  rules: MarketRules,
  config: PaperMatchingConfig,
  at: Date,
  nextId: FillIdSource,
  held?: HeldPositions,
  refuse?: (order: Order) => string | undefined,
): PriceEventResult {
  checkMatchingConfig(config);
  const eventPrice = dec(price);
  if (!eventPrice.gt(0)) throw new RangeError(`price event for ${rules.symbol} must be positive, got ${plain(eventPrice)}`);
  const fills: Fill[] = [];
  // Positions this event closed: their reduce-only orders still working go with them (cancelOrphans).
  const closed = new Set<string>();
  const orders = restingOrders.map((order) => {
    if (order.symbol !== rules.symbol || order.kind === "market" || !WORKING_STATUSES.includes(order.status)) return order;
    checkOrder(order, rules);
    const execution = match(order, eventPrice, rules, config);
    if (execution === undefined) return order;
    const refusal = order.reduceOnly ? undefined : refuse?.(order);
    if (refusal !== undefined) return { ...order, status: "cancelled" as const, rejectReason: refusal, updatedAt: at };
    const wanted = quantityThisEvent(order, rules, config.partialFillRatio);
    const reducible = held && order.reduceOnly ? reducibleBy(order, held) : undefined;
    const quantity = reducible === undefined ? wanted : Dec.min(wanted, reducible);
    if (quantity.lte(0)) return { ...order, status: "cancelled" as const, updatedAt: at };
    const fill = buildFill({ order, quantity, ...execution, rules, at, nextId });
    fills.push(fill);
    const filled = applyFillToOrder(order, fill, rules);
    if (reducible === undefined || !held) return filled;
    const key = positionKey(order);
    const after = (held.get(key) ?? ZERO).add(order.side === "buy" ? quantity : quantity.neg());
    held.set(key, after);
    if (after.isZero()) closed.add(key);
    // Cut to the position: nothing is left for the remainder to reduce.
    return quantity.lt(wanted) && filled.status === "partially_filled" ? { ...filled, status: "cancelled" as const } : filled;
  });
  return { fills, orders: closed.size > 0 ? cancelOrphans(orders, closed, at) : orders };
}

/**
 * A position this event closed leaves its reduce-only orders nothing to reduce. With partial fills
 * one of them can have filled in part before another closed the position; kept working, its update
 * (written after the booking cancels the position's protection) would put it back on the book, to
 * close the next position. Those still working are cancelled here, with the position.
 */
function cancelOrphans(orders: readonly Order[], closed: ReadonlySet<string>, at: Date): Order[] {
  return orders.map((o) => (o.reduceOnly && WORKING_STATUSES.includes(o.status) && closed.has(positionKey(o)) ? { ...o, status: "cancelled" as const, updatedAt: at } : o));
}

/** What `order` may still reduce: the long a sell reduces, the short a buy does; zero when flat or on its side. */
function reducibleBy(order: Order, held: HeldPositions): Dec {
  const position = held.get(positionKey(order)) ?? ZERO;
  return order.side === "sell" ? Dec.max(position, ZERO) : Dec.max(position.neg(), ZERO);
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
