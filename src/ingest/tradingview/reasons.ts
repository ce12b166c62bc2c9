/**
 * Why an alert was refused. `reason` is the stable machine code stored with the delivery;
 * `code` is the coarse class the HTTP layer and dashboards group by.
 */

export const REFUSAL_CODES = ["MALFORMED_SIGNAL", "UNRENDERED_PLACEHOLDER", "SIGNAL_REJECTED"] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export const REFUSAL_REASONS = [
  "EMPTY_BODY",
  "UNPARSEABLE_BODY",
  "NESTING_TOO_DEEP",
  "INTERNAL_ERROR",
  "UNRENDERED_PLACEHOLDER",
  "JSON_NOT_OBJECT",
  "EMPTY_ARRAY",
  "TOO_MANY_COMMANDS",
  "DUPLICATE_FIELD",
  "ACTION_MISSING",
  "ACTION_UNSUPPORTED",
  "ACTION_CONFLICT",
  "POSITION_INVALID",
  "SYMBOL_MISSING",
  "SYMBOL_UNRECOGNIZED",
  "QUANTITY_INVALID",
  "AMBIGUOUS_QUANTITY",
  "ORDER_TYPE_UNSUPPORTED",
  "PRICE_INVALID",
  "SIGNAL_INVALID",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const MALFORMED: ReadonlySet<RefusalReason> = new Set(["EMPTY_BODY", "UNPARSEABLE_BODY", "NESTING_TOO_DEEP", "INTERNAL_ERROR"]);

/** Nothing readable → MALFORMED_SIGNAL; a template sent as-is → UNRENDERED_PLACEHOLDER; read but unusable → SIGNAL_REJECTED. */
export function codeForReason(reason: RefusalReason): RefusalCode {
  if (reason === "UNRENDERED_PLACEHOLDER") return "UNRENDERED_PLACEHOLDER";
  return MALFORMED.has(reason) ? "MALFORMED_SIGNAL" : "SIGNAL_REJECTED";
}

/** Thrown inside the mapping and caught at its boundary; never escapes parseTradingViewAlert. */
export class AlertRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "AlertRefusal";
  }
}

export function refuse(reason: RefusalReason, detail: string): never {
  throw new AlertRefusal(reason, detail);
}
