import { z } from "zod";

/**
 * Every reason the risk layer can give for a denial or a resize: one closed list, so a stored
 * decision can be grouped, counted and alerted on by code. Codes are stable: rename one and every
 * stored trace and dashboard that names it breaks, so add new ones instead.
 */
export const REASON_CODES = [
  // Malformed input: deny rather than guess what the caller meant.
  "ORDER_INVALID",
  "CONTEXT_INVALID",
  // Trading state.
  "TRADING_STATE_UNKNOWN",
  "TRADING_HALTED",
  "TRADING_REDUCING",
  // Market and prices.
  "UNKNOWN_MARKET",
  "REFERENCE_PRICE_MISSING",
  "REFERENCE_PRICE_STALE",
  "PRICE_OFF_TICK",
  "PRICE_COLLAR",
  // Quantity against the market's rules.
  "REDUCE_ONLY_WOULD_INCREASE",
  "QUANTITY_OFF_STEP",
  "QUANTITY_ZERO",
  "QUANTITY_BELOW_MIN",
  "QUANTITY_ABOVE_MAX",
  "NOTIONAL_BELOW_MIN",
  "NOTIONAL_ABOVE_MAX",
  // Spot holds only what was bought, and buys only with the cash it has.
  "SPOT_SELL_EXCEEDS_HOLDINGS",
  "SPOT_BUY_EXCEEDS_CASH",
  "SPOT_QUOTE_NOT_ACCOUNT_CURRENCY",
  // Exposure limits.
  "EQUITY_NOT_POSITIVE",
  "MAX_ORDER_NOTIONAL",
  "MAX_POSITION",
  "MAX_OPEN_POSITIONS",
  "MAX_LEVERAGE",
  "MAX_GROSS_EXPOSURE",
  // Behaviour over time.
  "ORDER_RATE_LIMIT",
  "DAILY_PNL_STALE",
  "DAILY_LOSS_LIMIT",
  // Sizing inputs a policy or a signal quantity needs.
  "SIZING_INPUT_INVALID",
  "STOP_PRICE_MISSING",
  "STOP_DISTANCE_ZERO",
  "POSITION_FLAT",
  // The context could not be read: no such account, or a position with no price to value it at.
  "ACCOUNT_UNKNOWN",
  "MARK_PRICE_MISSING",
  // A bug in the engine itself: the order is denied, never let through.
  "RISK_ENGINE_ERROR",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
export const ReasonCodeSchema = z.enum(REASON_CODES);

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === "string" && (REASON_CODES as readonly string[]).includes(value);
}
