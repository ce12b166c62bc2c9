import { averagePrice, dec, plain, type Dec, type DecimalLike } from "./decimal.js";
import type { MarketRules } from "./market.js";
import type { Fill } from "./order.js";

/**
 * Positions and their PnL, netted per account, strategy and symbol (nautilus_trader's NETTING OMS):
 * buys and sells move one signed quantity. Linear instruments only, so PnL is
 * quantity × (exit − entry) × contractSize, in the quote currency.
 */

export const POSITION_STATUSES = ["open", "closed"] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];

export type Position = {
  readonly accountId: string;
  readonly strategyId: string;
  readonly symbol: string;
  /** The fill that opened it: tells this position apart from earlier, closed ones in the same symbol. */
  readonly openingFillId: string;
  /** Captured at open (nautilus_trader's multiplier) so valuing the position needs no market lookup. */
  readonly contractSize: string;
  /** Signed: positive long, negative short, "0" once closed. */
  readonly quantity: string;
  /** costBasis / quantity, rounded to AVERAGE_PRICE_PLACES when it does not terminate; kept after close. */
  readonly averageEntryPrice: string;
  /**
   * Σ signed quantity × entry price of the open quantity, exact. PnL is computed from this rather than
   * the rounded average, so cash, realized and unrealized PnL reconcile to the last digit.
   */
  readonly costBasis: string;
  /** Gross of fees: fees are kept apart in `fees` so either view can be derived. */
  readonly realizedPnl: string;
  readonly fees: string;
  readonly status: PositionStatus;
  readonly openedAt: Date;
  readonly closedAt: Date | null;
  readonly updatedAt: Date;
};

export type PositionUpdate = {
  readonly position: Position;
  /** What this fill realized, gross of its fee. */
  readonly realizedPnl: string;
  readonly closed: boolean;
  /** The fill went through zero: the same position now holds the other side, entered at the fill price. */
  readonly flipped: boolean;
};

/** Buys add, sells subtract. */
export function signedQuantity(fill: Pick<Fill, "side" | "quantity">): Dec {
  const quantity = dec(fill.quantity);
  return fill.side === "buy" ? quantity : quantity.neg();
}

/**
 * Applies one fill. Without an open position (none yet, or the last one closed) the fill opens a new
 * position; a closed position is history and is never reopened. A flip keeps the same position object
 * so every fill belongs to exactly one position.
 */
export function applyFill(position: Position | undefined, fill: Fill, rules: MarketRules): PositionUpdate {
  checkFill(fill, rules);
  if (position === undefined || position.status === "closed") {
    if (position !== undefined) checkSameKey(position, fill);
    return { position: openFrom(fill, rules), realizedPnl: "0", closed: false, flipped: false };
  }
  checkSameKey(position, fill);
  if (!dec(position.contractSize).eq(rules.contractSize)) {
    throw new RangeError(`contract size of ${position.symbol} changed from ${position.contractSize} to ${rules.contractSize} while a position is open`);
  }

  const held = dec(position.quantity);
  const signed = signedQuantity(fill);
  const price = dec(fill.price);
  const fees = plain(dec(position.fees).add(fill.fee));
  const common = { fees, updatedAt: fill.filledAt };

  if (held.isNeg() === signed.isNeg()) {
    const quantity = held.add(signed);
    const costBasis = dec(position.costBasis).add(signed.mul(price));
    const added = { ...position, ...common, quantity: plain(quantity), costBasis: plain(costBasis), averageEntryPrice: plain(averagePrice(costBasis, quantity)) };
    return { position: added, realizedPnl: "0", closed: false, flipped: false };
  }

  // Reducing: `closing` is the part of the held quantity this fill takes off, with the held sign.
  const through = signed.abs().gte(held.abs());
  const closing = through ? held : signed.neg();
  // A full close takes the whole cost basis, so no rounding residue of the average survives it.
  const removedCost = through ? dec(position.costBasis) : closing.mul(position.averageEntryPrice);
  const realized = closing.mul(price).sub(removedCost).mul(position.contractSize);
  const realizedPnl = plain(dec(position.realizedPnl).add(realized));
  const remainder = held.add(signed);

  if (!through) {
    const reduced = { ...position, ...common, realizedPnl, quantity: plain(remainder), costBasis: plain(dec(position.costBasis).sub(removedCost)) };
    return { position: reduced, realizedPnl: plain(realized), closed: false, flipped: false };
  }
  if (remainder.isZero()) {
    const closed = { ...position, ...common, realizedPnl, quantity: "0", costBasis: "0", status: "closed" as const, closedAt: fill.filledAt };
    return { position: closed, realizedPnl: plain(realized), closed: true, flipped: false };
  }
  const flipped = { ...position, ...common, realizedPnl, quantity: plain(remainder), costBasis: plain(remainder.mul(price)), averageEntryPrice: plain(price) };
  return { position: flipped, realizedPnl: plain(realized), closed: false, flipped: true };
}

/** (quantity × mark − costBasis) × contractSize; a closed position has none. */
export function unrealizedPnl(position: Position, markPrice: DecimalLike, rules: MarketRules): string {
  if (position.symbol !== rules.symbol) throw new RangeError(`rules for ${rules.symbol} cannot value a ${position.symbol} position`);
  return unrealizedPnlAt(position, markPrice);
}

/** The same from the position alone: it carries its contract size, whatever venue lists the market. */
export function unrealizedPnlAt(position: Position, markPrice: DecimalLike): string {
  if (position.status === "closed") return "0";
  return plain(dec(position.quantity).mul(markPrice).sub(position.costBasis).mul(position.contractSize));
}

/** Signed quote-currency value at `markPrice`: what closing at that price would bring into cash. */
export function positionValue(position: Position, markPrice: DecimalLike): Dec {
  return dec(position.quantity).mul(markPrice).mul(position.contractSize);
}

function openFrom(fill: Fill, rules: MarketRules): Position {
  const quantity = signedQuantity(fill);
  return {
    accountId: fill.accountId,
    strategyId: fill.strategyId,
    symbol: fill.symbol,
    openingFillId: fill.id,
    contractSize: plain(rules.contractSize),
    quantity: plain(quantity),
    averageEntryPrice: plain(fill.price),
    costBasis: plain(quantity.mul(fill.price)),
    realizedPnl: "0",
    fees: plain(fill.fee),
    status: "open",
    openedAt: fill.filledAt,
    closedAt: null,
    updatedAt: fill.filledAt,
  };
}

function checkFill(fill: Fill, rules: MarketRules): void {
  if (fill.symbol !== rules.symbol) throw new RangeError(`fill ${fill.id} is for ${fill.symbol}, rules are for ${rules.symbol}`);
  if (!dec(fill.quantity).gt(0)) throw new RangeError(`fill ${fill.id} has a non-positive quantity ${fill.quantity}`);
  if (!dec(fill.price).gt(0)) throw new RangeError(`fill ${fill.id} has a non-positive price ${fill.price}`);
  if (!dec(rules.contractSize).gt(0)) throw new RangeError(`${rules.symbol} has a non-positive contract size`);
}

function checkSameKey(position: Position, fill: Fill): void {
  if (position.accountId !== fill.accountId || position.strategyId !== fill.strategyId || position.symbol !== fill.symbol) {
    throw new RangeError(`fill ${fill.id} belongs to ${fill.accountId}/${fill.strategyId}/${fill.symbol}, not to this position`);
  }
}
