import { z } from "zod";
import type { Dec, DecimalLike } from "../domain/decimal.js";
import { fitQuantity, type MarketRules } from "../domain/market.js";
import type { Quantity } from "../domain/signal.js";
import { limitText } from "./limits.js";
import type { ReasonCode } from "./reason-codes.js";
import { percentDecimal, positiveDecimal } from "./schemas.js";
import { divDown, toDec } from "./values.js";

/**
 * How a strategy sizes an order when the signal does not say. Quantities come out in order units
 * (contracts for swaps, base units for spot): base amounts are divided by the contract size.
 * risk_percent sizes so that being stopped out at the stop price loses `percent` of equity.
 */
export const SizingPolicySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("fixed_base"), quantity: positiveDecimal }),
  z.object({ type: z.literal("fixed_quote"), notional: positiveDecimal }),
  z.object({ type: z.literal("percent_equity"), percent: percentDecimal }),
  z.object({ type: z.literal("risk_percent"), percent: percentDecimal }),
]);
export type SizingPolicy = z.infer<typeof SizingPolicySchema>;

export type SizingInput = {
  /** The signal's own quantity; when present it overrides the policy. */
  readonly signalQuantity?: Quantity;
  readonly policy: SizingPolicy;
  readonly referencePrice?: DecimalLike;
  /**
   * A limit entry's limit price: what the order pays when it fills, so notional and stop distance
   * are measured from it; a market entry is sized at the reference price.
   */
  readonly entryPrice?: DecimalLike;
  /** Needed by risk_percent only: the price at which the trade is wrong. */
  readonly stopPrice?: DecimalLike;
  readonly equity: DecimalLike;
  /** The current position in the symbol, signed, in order units; 0 when flat. */
  readonly positionQuantity: DecimalLike;
  readonly rules: MarketRules;
};

export type SizingDenialReason = Extract<
  ReasonCode,
  | "REFERENCE_PRICE_MISSING"
  | "UNKNOWN_MARKET"
  | "SIZING_INPUT_INVALID"
  | "EQUITY_NOT_POSITIVE"
  | "STOP_PRICE_MISSING"
  | "STOP_DISTANCE_ZERO"
  | "POSITION_FLAT"
  | "QUANTITY_ZERO"
  | "QUANTITY_BELOW_MIN"
  | "QUANTITY_ABOVE_MAX"
  | "NOTIONAL_BELOW_MIN"
  | "NOTIONAL_ABOVE_MAX"
>;

export type SizingResult =
  | { readonly ok: true; readonly quantity: Dec; readonly truncated: boolean; readonly source: "signal" | "policy" }
  | { readonly ok: false; readonly reason: SizingDenialReason; readonly limit?: string; readonly detail: string };

type Raw = { ok: true; quantity: Dec } | Extract<SizingResult, { ok: false }>;

const MARKET_LIMIT_NAMES = {
  QUANTITY_ZERO: "amountStep",
  QUANTITY_BELOW_MIN: "minAmount",
  QUANTITY_ABOVE_MAX: "maxAmount",
  NOTIONAL_BELOW_MIN: "minCost",
  NOTIONAL_ABOVE_MAX: "maxCost",
} as const;

/** The market-rule name behind a fitQuantity denial, for the limit text. */
export function marketLimitName(reason: keyof typeof MARKET_LIMIT_NAMES): string {
  return MARKET_LIMIT_NAMES[reason];
}

function deny(reason: SizingDenialReason, detail: string, limit?: string): Extract<SizingResult, { ok: false }> {
  return limit === undefined ? { ok: false, reason, detail } : { ok: false, reason, limit, detail };
}

/**
 * The order quantity for a signal, truncated to the market's step (never rounded up) and held
 * against its limits. Every missing input is a denial: a size computed from a guessed price or
 * equity is a loss waiting to happen.
 */
export function sizeOrder(input: SizingInput): SizingResult {
  const reference = toDec(input.referencePrice);
  if (reference === null || reference.lte(0)) return deny("REFERENCE_PRICE_MISSING", "sizing needs a positive reference price");
  // What the entry pays: its limit, or for a market entry the reference.
  const price = input.entryPrice === undefined ? reference : toDec(input.entryPrice);
  if (price === null || price.lte(0)) return deny("SIZING_INPUT_INVALID", `entry price ${String(input.entryPrice)} is not a positive decimal`);
  const contractSize = toDec(input.rules.contractSize);
  if (contractSize === null || contractSize.lte(0)) return deny("UNKNOWN_MARKET", `unusable contractSize for ${input.rules.symbol}`);

  const raw = input.signalQuantity === undefined ? fromPolicy(input, price, contractSize) : fromSignal(input, input.signalQuantity, price, contractSize);
  if (!raw.ok) return raw;

  const fit = fitQuantity(input.rules, raw.quantity, price);
  if (!fit.ok) return deny(fit.reason, `${fit.reason.toLowerCase()} for ${raw.quantity.toFixed()}`, limitText(marketLimitName(fit.reason), fit.limit));
  return { ok: true, quantity: fit.quantity, truncated: fit.truncated, source: input.signalQuantity === undefined ? "policy" : "signal" };
}

function positiveEquity(input: SizingInput): Dec | Extract<SizingResult, { ok: false }> {
  const equity = toDec(input.equity);
  if (equity === null) return deny("SIZING_INPUT_INVALID", "equity is not a decimal");
  if (equity.lte(0)) return deny("EQUITY_NOT_POSITIVE", `equity ${equity.toFixed()} cannot be sized against`);
  return equity;
}

/** equity × percent / 100 worth of the market at `price`, in order units. */
function percentOfEquity(input: SizingInput, percent: Dec, price: Dec, contractSize: Dec): Raw {
  const equity = positiveEquity(input);
  if ("ok" in equity) return equity;
  return { ok: true, quantity: divDown(equity.mul(percent).div(100), price.mul(contractSize)) };
}

function fromSignal(input: SizingInput, quantity: Quantity, price: Dec, contractSize: Dec): Raw {
  const value = toDec(quantity.value);
  if (value === null || value.lt(0)) return deny("SIZING_INPUT_INVALID", `signal quantity ${String(quantity.value)} is not a non-negative decimal`);
  const isPercent = quantity.unit === "percent_equity" || quantity.unit === "percent_position";
  if (isPercent && value.gt(100)) return deny("SIZING_INPUT_INVALID", `${quantity.unit} ${value.toFixed()} is above 100`);
  switch (quantity.unit) {
    case "base":
      return { ok: true, quantity: divDown(value, contractSize) };
    case "quote":
      return { ok: true, quantity: divDown(value, price.mul(contractSize)) };
    case "percent_equity":
      return percentOfEquity(input, value, price, contractSize);
    case "percent_position": {
      const position = toDec(input.positionQuantity);
      if (position === null) return deny("SIZING_INPUT_INVALID", "position quantity is not a decimal");
      if (position.isZero()) return deny("POSITION_FLAT", "percent_position with no open position");
      return { ok: true, quantity: position.abs().mul(value).div(100) };
    }
  }
  return deny("SIZING_INPUT_INVALID", `unknown quantity unit ${String((quantity as { unit: unknown }).unit)}`);
}

function fromPolicy(input: SizingInput, price: Dec, contractSize: Dec): Raw {
  const policy = input.policy;
  // Policies are normally parsed by SizingPolicySchema; one built by hand is still read defensively.
  const amount = toDec(policy.type === "fixed_base" ? policy.quantity : policy.type === "fixed_quote" ? policy.notional : policy.percent);
  if (amount === null || amount.lte(0)) return deny("SIZING_INPUT_INVALID", `sizing policy ${String(policy.type)} has no positive amount`);
  switch (policy.type) {
    case "fixed_base":
      return { ok: true, quantity: divDown(amount, contractSize) };
    case "fixed_quote":
      return { ok: true, quantity: divDown(amount, price.mul(contractSize)) };
    case "percent_equity":
      return percentOfEquity(input, amount, price, contractSize);
    case "risk_percent": {
      const equity = positiveEquity(input);
      if ("ok" in equity) return equity;
      if (input.stopPrice === undefined) return deny("STOP_PRICE_MISSING", "risk_percent needs a stop price");
      const stop = toDec(input.stopPrice);
      if (stop === null || stop.lte(0)) return deny("STOP_PRICE_MISSING", `stop price ${String(input.stopPrice)} is not a positive decimal`);
      const distance = price.sub(stop).abs();
      if (distance.isZero()) return deny("STOP_DISTANCE_ZERO", `stop ${stop.toFixed()} equals the entry price`);
      const risk = equity.mul(amount).div(100);
      return { ok: true, quantity: divDown(divDown(risk, distance), contractSize) };
    }
  }
  return deny("SIZING_INPUT_INVALID", `unknown sizing policy ${String((policy as { type: unknown }).type)}`);
}
