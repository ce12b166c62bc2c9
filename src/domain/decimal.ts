import { Decimal } from "decimal.js";

/**
 * Exact decimal arithmetic for prices, quantities and money. A private Decimal constructor with
 * enough significant digits that no realistic product of price and quantity is ever rounded; only
 * the explicit helpers below round, and each says which way.
 */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -60, toExpPos: 60 });
export type Dec = InstanceType<typeof Dec>;

export type DecimalLike = Dec | string | number;

export const ZERO = new Dec(0);

export function dec(value: DecimalLike): Dec {
  if (value instanceof Dec) return value;
  return typeof value === "string" ? parseDec(value) : new Dec(value);
}

const PARSED = new Map<string, Dec>();
const PARSED_MAX = 8192;

/**
 * Decimal text → Dec, remembering recent texts. Steps, limits and prices are read again on every
 * order, and parsing is most of what a decimal costs; a Dec is immutable, so one parsed value can
 * be shared. Throws like the constructor on text that is not a number.
 */
export function parseDec(text: string): Dec {
  let parsed = PARSED.get(text);
  if (parsed === undefined) {
    parsed = new Dec(text);
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(text, parsed);
  }
  return parsed;
}

/**
 * Plain decimal text without exponent or trailing zeros: "0.015", "114679.56", "-3". Money moves
 * between layers as this text and is read back soon after, so the value is remembered under its
 * text: parsing it again is a lookup.
 */
export function plain(value: DecimalLike): string {
  const d = dec(value);
  if (d.isZero()) return "0";
  const text = d.toFixed();
  if (!PARSED.has(text)) {
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(text, d);
  }
  return text;
}

const DECIMAL_PLACES_OF_STEP = new Map<string, number | null>();

/**
 * k when `step` is 10^-k (0.01 → 2, 1 → 0, 100 → -2), else null. Steps are almost always powers of
 * ten, and dividing by one only moves the point: the step helpers then round to k places, which is
 * the same value without a 60-digit division.
 */
function powerOfTenPlaces(given: DecimalLike, step: Dec): number | null {
  const key = typeof given === "string" ? given : step.toString();
  let places = DECIMAL_PLACES_OF_STEP.get(key);
  if (places === undefined) {
    places = step.gt(0) && /^1$|^0\.0*1$|^10*$/.test(step.toFixed()) ? -Math.floor(Math.log10(step.toNumber()) + 0.5) : null;
    if (DECIMAL_PLACES_OF_STEP.size >= 256) DECIMAL_PLACES_OF_STEP.clear();
    DECIMAL_PLACES_OF_STEP.set(key, places);
  }
  return places;
}

/** The largest multiple of `step` not above |value|, with value's sign: quantities are never rounded up. */
export function truncateToStep(value: DecimalLike, step: DecimalLike): Dec {
  const v = dec(value);
  const s = dec(step);
  if (s.lte(0)) return v;
  const places = powerOfTenPlaces(step, s);
  if (places !== null && places >= 0) {
    const t = v.abs().toDecimalPlaces(places, Dec.ROUND_DOWN);
    return v.isNeg() ? t.neg() : t;
  }
  // a − (a mod step): decimal.js takes the integer quotient of a modulo exactly, where a.div(s)
  // rounds at the 60th digit first and could then floor up to the next multiple.
  const a = v.abs();
  const t = a.sub(a.mod(s));
  return v.isNeg() ? t.neg() : t;
}

/** Rounds a price to its tick, half-even: prices have no "safe" direction, quantities do. */
export function roundToStep(value: DecimalLike, step: DecimalLike): Dec {
  const s = dec(step);
  if (s.lte(0)) return dec(value);
  const places = powerOfTenPlaces(step, s);
  if (places !== null && places >= 0) return dec(value).toDecimalPlaces(places, Dec.ROUND_HALF_EVEN);
  return dec(value).div(s).toDecimalPlaces(0, Dec.ROUND_HALF_EVEN).mul(s);
}

export function isMultipleOf(value: DecimalLike, step: DecimalLike): boolean {
  const s = dec(step);
  if (s.lte(0)) return true;
  const places = powerOfTenPlaces(step, s);
  if (places !== null && places >= 0) return dec(value).decimalPlaces() <= places;
  return dec(value).mod(s).isZero();
}

const BPS = new Map<string, Dec>();

/** Basis points: 1 bp = 0.01% = 0.0001. Fee and slippage settings are a handful of texts, each divided once. */
export function bps(value: DecimalLike): Dec {
  if (typeof value !== "string") return dec(value).div(10_000);
  let fraction = BPS.get(value);
  if (fraction === undefined) {
    fraction = dec(value).div(10_000);
    if (BPS.size >= 256) BPS.clear();
    BPS.set(value, fraction);
  }
  return fraction;
}

export function min(a: DecimalLike, b: DecimalLike): Dec {
  return Dec.min(dec(a), dec(b));
}

export function max(a: DecimalLike, b: DecimalLike): Dec {
  return Dec.max(dec(a), dec(b));
}

/** Decimal places an average price is stored with when the exact quotient does not terminate. */
export const AVERAGE_PRICE_PLACES = 18;

/**
 * Σ(q×p) / Σq for average entry and fill prices. The quotient is often non-terminating (1@100 and
 * 2@101 average 100.666…), so it is rounded half-even to AVERAGE_PRICE_PLACES for storage; callers
 * that need exact money keep the numerator (Σ q×p) and use that, not the rounded average.
 */
export function averagePrice(totalValue: DecimalLike, totalQuantity: DecimalLike): Dec {
  return dec(totalValue).div(totalQuantity).toDecimalPlaces(AVERAGE_PRICE_PLACES, Dec.ROUND_HALF_EVEN);
}
