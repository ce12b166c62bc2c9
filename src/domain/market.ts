import { isMultipleOf, truncateToStep, type Dec } from "./decimal.js";

/**
 * What a venue allows for one market, normalized from ccxt's `market` structure: steps rather than
 * digit counts (ccxt's TICK_SIZE mode), limits as decimal strings, undefined where the venue says
 * nothing. Unknown rules are never guessed (invariant 4): a market without rules cannot trade.
 */
export type MarketRules = {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly kind: "spot" | "swap";
  /** Units of base per contract for derivatives; 1 for spot. */
  readonly contractSize: string;
  readonly amountStep: string;
  readonly priceStep: string;
  readonly minAmount?: string;
  readonly maxAmount?: string;
  /** Minimum notional (price × amount) in the quote currency. */
  readonly minCost?: string;
  readonly maxCost?: string;
  readonly makerFeeBps: string;
  readonly takerFeeBps: string;
};

export type QuantityCheck =
  | { ok: true; quantity: Dec; truncated: boolean }
  | { ok: false; reason: "QUANTITY_BELOW_MIN" | "QUANTITY_ABOVE_MAX" | "NOTIONAL_BELOW_MIN" | "NOTIONAL_ABOVE_MAX" | "QUANTITY_ZERO"; limit: string };

/**
 * Fits an order quantity to the market: truncated to the amount step (never rounded up), then held
 * against the amount and cost limits at `price`. Above a maximum is a denial, not a resize: the
 * risk engine decides resizes, the market only says what is legal.
 */
export function fitQuantity(rules: MarketRules, quantity: Dec, price: Dec): QuantityCheck {
  const fitted = truncateToStep(quantity, rules.amountStep);
  if (fitted.lte(0)) return { ok: false, reason: "QUANTITY_ZERO", limit: rules.amountStep };
  if (rules.minAmount !== undefined && fitted.lt(rules.minAmount)) return { ok: false, reason: "QUANTITY_BELOW_MIN", limit: rules.minAmount };
  if (rules.maxAmount !== undefined && fitted.gt(rules.maxAmount)) return { ok: false, reason: "QUANTITY_ABOVE_MAX", limit: rules.maxAmount };
  const cost = notional(rules, fitted, price);
  if (rules.minCost !== undefined && cost.lt(rules.minCost)) return { ok: false, reason: "NOTIONAL_BELOW_MIN", limit: rules.minCost };
  if (rules.maxCost !== undefined && cost.gt(rules.maxCost)) return { ok: false, reason: "NOTIONAL_ABOVE_MAX", limit: rules.maxCost };
  return { ok: true, quantity: fitted, truncated: !fitted.eq(quantity) };
}

/** Quote-currency value of `quantity` at `price` (contracts × contract size for derivatives). */
export function notional(rules: MarketRules, quantity: Dec, price: Dec): Dec {
  return quantity.abs().mul(rules.contractSize).mul(price);
}

export function isValidPrice(rules: MarketRules, price: Dec): boolean {
  return price.gt(0) && isMultipleOf(price, rules.priceStep);
}

export function isValidQuantity(rules: MarketRules, quantity: Dec): boolean {
  return quantity.gt(0) && isMultipleOf(quantity, rules.amountStep);
}
