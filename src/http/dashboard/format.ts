/** Display helpers. Money arrives as exact decimal strings and is shown as stored, never re-rounded. */

export const DASH = "—";

/** 2024-05-01 12:00:05 UTC, from a Date or an ISO string. */
export function time(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  const d = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? DASH : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A fraction as a percentage (metrics are floats). */
export function percent(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : `${(value * 100).toFixed(digits)}%`;
}

export function fixed(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : value.toFixed(digits);
}

export function text(value: string | null | undefined): string {
  return value === null || value === undefined || value === "" ? DASH : value;
}

/** The CSS class of an outcome: green when it traded, red when refused or failed, amber otherwise. */
export function outcomeClass(outcome: string): string {
  if (["EXECUTED", "approved", "resized", "processed", "succeeded", "filled"].includes(outcome)) return "outcome outcome-good";
  if (["DENIED", "REJECTED", "OUTCOME_UNKNOWN", "denied", "rejected", "failed", "timed_out"].includes(outcome)) return "outcome outcome-bad";
  return "outcome outcome-other";
}
