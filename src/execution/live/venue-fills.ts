import type { Fill, OrderStatus } from "../../domain/order.js";
import { dec, plain } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import type { StoredOrder } from "../../db/repositories/trading-repository.js";
import type { VenueOrder } from "./types.js";

/** ccxt's unified order status in the gateway's order states. */
export function orderStatusOf(order: VenueOrder): OrderStatus {
  const filled = dec(order.filled || "0");
  switch (order.status) {
    case "closed":
      return "filled";
    case "canceled":
      return "cancelled";
    case "expired":
      return "expired";
    case "rejected":
      return "rejected";
    default:
      return filled.gt(0) ? "partially_filled" : "submitted";
  }
}

/**
 * What the venue filled of an order, as one fill at the venue's average price. Fees charged in the
 * base asset (Binance takes a buy's commission from what it bought) change what the account holds:
 * the fill's quantity is the base actually received or given up (filled − fee on a buy, filled + fee
 * on a sell), and the fee is valued at the fill price, so cash moves by exactly filled × price and
 * the position matches the venue's balance. A fee in a third asset (such as BNB) cannot be valued
 * here and counts 0; the venue's balance, read at reconciliation, has it. undefined when nothing filled.
 */
export function bookableFill(input: { order: StoredOrder; venueOrder: VenueOrder; rules: MarketRules; id: string; at: Date }): Fill | undefined {
  const { order, venueOrder, rules } = input;
  const filled = dec(venueOrder.filled || "0");
  const price = venueOrder.average ?? venueOrder.price;
  if (!filled.gt(0) || !price || !dec(price).gt(0)) return undefined;
  let quoteFee = dec(0);
  let baseFee = dec(0);
  for (const f of venueOrder.fees) {
    if (f.currency === rules.quote) quoteFee = quoteFee.plus(f.cost);
    else if (f.currency === rules.base) baseFee = baseFee.plus(f.cost);
  }
  const quantity = order.side === "buy" ? filled.minus(baseFee) : filled.plus(baseFee);
  return {
    id: input.id,
    orderId: order.id,
    accountId: order.accountId,
    strategyId: order.strategyId,
    symbol: order.symbol,
    side: order.side,
    quantity: plain(quantity),
    price: plain(dec(price)),
    fee: plain(quoteFee.plus(baseFee.mul(price))),
    liquidity: order.kind === "market" ? "taker" : "maker",
    filledAt: input.at,
  };
}
