import { min, type Dec } from "../../domain/decimal.js";
import type { OrderSide } from "../../domain/order.js";

/** +1 for a buy, −1 for a sell: what the order adds to a signed position per unit. */
export function sideSign(side: OrderSide): 1 | -1 {
  return side === "buy" ? 1 : -1;
}

/** The signed position after the order fills completely. */
export function positionAfter(position: Dec, side: OrderSide, quantity: Dec): Dec {
  return position.add(quantity.mul(sideSign(side)));
}

/** Shrinks |position| without crossing zero: opposite side, no larger than the position. */
export function shrinks(position: Dec, side: OrderSide, quantity: Dec): boolean {
  return !position.isZero() && position.isNeg() === (side === "buy") && quantity.lte(position.abs());
}

/**
 * Whether an order reduces risk, for the trading state and to skip exposure caps. It must shrink
 * both the strategy's and the account's position: shrinking one while growing the other (two
 * strategies netted on one account) still adds exposure somewhere. A reduce-only order is judged at
 * the size it will be clamped to, since larger reduce-only orders are resized, not sent.
 */
export function reducesPosition(input: {
  readonly strategyPosition: Dec;
  readonly accountPosition: Dec;
  readonly side: OrderSide;
  readonly quantity: Dec;
  readonly reduceOnly: boolean;
}): boolean {
  const { strategyPosition, accountPosition, side, reduceOnly } = input;
  const quantity = reduceOnly ? min(input.quantity, min(strategyPosition.abs(), accountPosition.abs())) : input.quantity;
  return shrinks(strategyPosition, side, quantity) && shrinks(accountPosition, side, quantity);
}
