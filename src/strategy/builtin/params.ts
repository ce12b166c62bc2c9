import { z } from "zod";

/** The longest look-back a built-in strategy accepts: enough for daily bars over two years. */
export const MAX_PERIOD = 500;

/** A whole-number look-back with its own message, so a refusal names the field and its range. */
export function periodParam(name: string, min: number, fallback: number) {
  const error = `${name} must be a whole number from ${min} to ${MAX_PERIOD}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(MAX_PERIOD, { error }).default(fallback);
}

/** A number strictly between `low` and `high`. */
export function openRangeParam(name: string, low: number, high: number, fallback: number) {
  const error = `${name} must be a number above ${low} and below ${high}`;
  return z.number({ error }).gt(low, { error }).lt(high, { error }).default(fallback);
}

export const allowShortParam = z.boolean({ error: "allowShort must be true or false" }).default(false);
