import { isZeroDecimal, parseDecimal } from "./decimal.js";
import type { Leaf } from "./fields.js";
import { leafText } from "./fields.js";
import { refuse } from "./reasons.js";

/** Shared checks for price-like fields, with details that tell the sender how to fix the alert. */

export function quoteText(text: string | undefined): string {
  if (text === undefined) return "null";
  const clipped = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return JSON.stringify(clipped);
}

/** A strictly positive price; arithmetic and anything non-numeric are refused, never evaluated. */
export function positivePrice(leaf: Leaf, what = "price"): string {
  return positiveDecimal(leaf, leafText(leaf), what);
}

export function positiveDecimal(leaf: Leaf, text: string | undefined, what: string): string {
  const parsed = text === undefined ? undefined : parseDecimal(text);
  if (parsed === undefined) refuse("PRICE_INVALID", `The ${what} ${leaf.path} is ${quoteText(text)}, not a number${arithmeticHint(text)}.`);
  if (parsed.negative || isZeroDecimal(parsed.value)) {
    refuse("PRICE_INVALID", `The ${what} ${leaf.path} is ${quoteText(text)}; it must be greater than zero.`);
  }
  return parsed.value;
}

export function arithmeticHint(text: string | undefined): string {
  if (text === undefined || !/\d\s*[-+*/]\s*[\d(]|[*/]/.test(text.trim())) return "";
  return ": TradingView does not evaluate arithmetic in alert messages; compute the value in Pine and send it with a placeholder";
}
