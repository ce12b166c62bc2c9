import { z } from "zod";
import { Dec } from "./decimal.js";

/**
 * The canonical signal: what every source (TradingView, internal services, built-in strategies)
 * is turned into before anything downstream sees it. Prices and quantities are decimal strings so
 * no value is rounded on the way in; the trading core parses them with exact decimal arithmetic.
 */

export const DECIMAL = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;
export const decimalString = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === "number" ? numberToDecimal(v) : v.trim()))
  .refine((v) => DECIMAL.test(v), { error: "must be a non-negative decimal number" });

/** Renders a JS number without exponent notation (1e-7 → "0.0000001"); NaN/Infinity stay invalid. */
export function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // The shortest text that reads back as n, written out in full. toFixed(20) cut every digit past
  // the 20th decimal (1.2345678901234567e-7 lost three) and kept 1e21 and above in exponent form.
  return new Dec(s).toFixed();
}

export const POSITION_SIDES = ["long", "short"] as const;
export const TARGET_SIDES = ["long", "short", "flat"] as const;

/**
 * open: enter or add to `side`. close: leave `side` (or whatever is open when side is omitted).
 * reverse: close the opposite side and open `side`. target: end up at `side` with `size` when given;
 * TradingView strategies send this through market_position / position_size, so repeats are no-ops.
 */
export const IntentSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("open"), side: z.enum(POSITION_SIDES) }),
  z.object({ action: z.literal("close"), side: z.enum(POSITION_SIDES).optional() }),
  z.object({ action: z.literal("reverse"), side: z.enum(POSITION_SIDES) }),
  z.object({
    action: z.literal("target"),
    side: z.enum(TARGET_SIDES),
    size: decimalString.optional(),
    /**
     * The side of the order that produced this position, when the sender said (TradingView's
     * strategy.order.action). Without `size`, it tells a partial exit (sell, still long) from an add.
     */
    orderSide: z.enum(["buy", "sell"]).optional(),
  }),
]);
export type Intent = z.infer<typeof IntentSchema>;

/** base: units of the base asset; quote: an amount of the quote currency; percent_*: 0–100. */
export const QUANTITY_UNITS = ["base", "quote", "percent_equity", "percent_position"] as const;
export const QuantitySchema = z.object({ value: decimalString, unit: z.enum(QUANTITY_UNITS) });
export type Quantity = z.infer<typeof QuantitySchema>;

export const ORDER_TYPES = ["market", "limit", "stop"] as const;

/** A protective level, as an absolute price or as a percent distance from the entry. */
export const ProtectionSchema = z
  .object({ price: decimalString.optional(), percent: decimalString.optional() })
  .refine((p) => (p.price === undefined) !== (p.percent === undefined), {
    error: "give exactly one of price or percent",
  });
export type Protection = z.infer<typeof ProtectionSchema>;

export const CanonicalSignalSchema = z.object({
  /** ccxt unified symbol: BTC/USDT (spot) or BTC/USDT:USDT (linear perpetual). */
  symbol: z.string().regex(/^[A-Z0-9.]+\/[A-Z0-9.]+(:[A-Z0-9.]+)?$/, { error: "must be a unified symbol like BTC/USDT" }),
  intent: IntentSchema,
  quantity: QuantitySchema.optional(),
  orderType: z.enum(ORDER_TYPES).default("market"),
  limitPrice: decimalString.optional(),
  stopPrice: decimalString.optional(),
  /** The price the sender saw (TradingView's close); used for sizing and collars, never as a fill. */
  referencePrice: decimalString.optional(),
  stopLoss: ProtectionSchema.optional(),
  takeProfit: ProtectionSchema.optional(),
  confidence: z.number().min(0).max(1).optional(),
  /** When the source produced the signal (ISO 8601), as opposed to when we received it. */
  sourceTime: z.iso.datetime({ offset: true }).optional(),
  comment: z.string().max(500).optional(),
  /** The sender's previous position (TradingView prev_market_position), recorded on the trace. */
  previousPosition: z.object({ side: z.enum(TARGET_SIDES), size: decimalString.optional() }).optional(),
  /** The sender's own id for this alert; deliveries with the same id are duplicates. */
  alertId: z.string().min(1).max(200).optional(),
  exchange: z.string().max(50).optional(),
  interval: z.string().max(20).optional(),
});
export type CanonicalSignal = z.infer<typeof CanonicalSignalSchema>;
export type CanonicalSignalInput = z.input<typeof CanonicalSignalSchema>;
