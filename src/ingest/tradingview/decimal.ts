/**
 * Exact decimal text handling. Values go from the sender's text to a canonical decimal string by
 * string manipulation only, so "0.015" stays "0.015" and a 30-digit quantity keeps every digit.
 */

export type ParsedDecimal = { readonly negative: boolean; readonly value: string };

const NUMBER_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
const MAX_EXPONENT = 60;
const MAX_LENGTH = 64;

/** Parses "0.015", "-2", "+.5", "1e-7"; undefined for anything else (including "1,000" and "12 * 3"). */
export function parseDecimal(text: string): ParsedDecimal | undefined {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.length > MAX_LENGTH * 2) return undefined;
  const m = NUMBER_TEXT.exec(trimmed);
  if (!m) return undefined;
  const intDigits = m[2] ?? "";
  const fracDigits = m[3] ?? "";
  if (intDigits === "" && fracDigits === "") return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exponent) > MAX_EXPONENT) return undefined;
  const value = exponent === 0 ? canonical(intDigits, fracDigits) : shifted(intDigits, fracDigits, exponent);
  if (value.length > MAX_LENGTH) return undefined;
  return { negative: m[1] === "-" && !isZeroDecimal(value), value };
}

export function isZeroDecimal(value: string): boolean {
  return /^0(?:\.0*)?$/.test(value);
}

/** Compares two canonical non-negative decimal strings. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [ai = "", af = ""] = a.split(".");
  const [bi = "", bf = ""] = b.split(".");
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const pa = af.padEnd(width, "0");
  const pb = bf.padEnd(width, "0");
  if (pa === pb) return 0;
  return pa < pb ? -1 : 1;
}

function canonical(intDigits: string, fracDigits: string): string {
  const int = intDigits.replace(/^0+(?=\d)/, "") || "0";
  return fracDigits === "" ? int : `${int}.${fracDigits}`;
}

function shifted(intDigits: string, fracDigits: string, exponent: number): string {
  const digits = intDigits + fracDigits;
  const point = intDigits.length + exponent;
  if (point <= 0) return canonical("0", "0".repeat(-point) + digits);
  if (point >= digits.length) return canonical(digits + "0".repeat(point - digits.length), "");
  return canonical(digits.slice(0, point), digits.slice(point));
}

/** The values that differ numerically ("0.50" and "0.5" are one value), in first-seen order. */
export function distinctDecimals(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) if (!out.some((o) => compareDecimal(o, v) === 0)) out.push(v);
  return out;
}
