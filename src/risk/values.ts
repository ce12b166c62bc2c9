import { Dec, parseDec } from "../domain/decimal.js";

/**
 * Defensive readers for values arriving from outside the engine. The engine must never throw
 * (invariant 4: a bad input is a denial), so anything unreadable comes back as null for the
 * caller to deny with a reason.
 */

/** A finite decimal, or null for anything decimal.js cannot read or reads as NaN/Infinity. */
export function toDec(value: unknown): Dec | null {
  if (value instanceof Dec) return value.isFinite() ? value : null;
  if (typeof value !== "string" && typeof value !== "number") {
    // A Decimal from another clone of decimal.js still reads exactly through its text.
    if (typeof value === "object" && value !== null && "toFixed" in value && "isFinite" in value) return toDec(String(value));
    return null;
  }
  if (typeof value === "string" && value.trim() === "") return null;
  try {
    const d = typeof value === "string" ? parseDec(value) : new Dec(value);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/** Epoch milliseconds from a Date, an ISO 8601 string or a number; null when it names no instant. */
export function toEpochMs(value: unknown): number | null {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "number") ms = value;
  else if (typeof value === "string" && value.trim() !== "") ms = Date.parse(value);
  else return null;
  // Beyond ±8.64e15 ms a Date cannot hold the instant, so it could never be written back out.
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : null;
}

// Quotients feed quantities: rounding toward zero keeps a cap or a size from ever being rounded up,
// even in the 60th significant digit.
const Down = Dec.clone({ rounding: Dec.ROUND_DOWN });

/** a / b rounded toward zero at the working precision. */
export function divDown(a: Dec, b: Dec): Dec {
  return new Dec(new Down(a).div(new Down(b)));
}

export const MS_PER_DAY = 86_400_000;

/** 00:00 UTC of the day containing `ms`. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}
