import { ORDER_STATUSES } from "../domain/order.js";
import { ERROR_CODES } from "../http/errors.js";
import { REFUSAL_REASONS } from "../ingest/tradingview/reasons.js";
import { REASON_CODES } from "../risk/reason-codes.js";
import { RISK_OUTCOMES } from "../risk/types.js";

/**
 * Label values come from closed lists: anything else becomes OTHER, so a new code path that passes
 * an unexpected string adds one series, never one per value (a symbol, an id, a raw path).
 */
export const OTHER = "OTHER";
/** The reason label of outcomes that have none (accepted, approved). */
export const NONE = "none";

const closed = (values: readonly string[]) => {
  const set = new Set(values);
  return (value: string | null | undefined): string => (value == null ? NONE : set.has(value) ? value : OTHER);
};

// A delivery is refused with the parser's reason, a strategy gate's or the internal schema's; or,
// before anything is stored (authentication, rate limits, an unknown strategy), with its problem code.
const INTAKE_REASONS = [...REFUSAL_REASONS, "STRATEGY_DISABLED", "SYMBOL_NOT_ALLOWED", "SCHEMA_INVALID", "STRATEGY_UNKNOWN", ...ERROR_CODES];

export const signalReasonLabel = closed(INTAKE_REASONS);
export const riskReasonLabel = closed(REASON_CODES);
export const riskOutcomeLabel = closed(RISK_OUTCOMES);
export const orderStatusLabel = closed(ORDER_STATUSES);
export const httpMethodLabel = closed(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

const VENUE_CODE = /^VENUE_[A-Z_]{1,40}$/;
/** The adapter's failure reasons are all VENUE_… codes (src/execution/live/venue-errors.ts). */
export const venueErrorLabel = (value: string): string => (VENUE_CODE.test(value) ? value : OTHER);
