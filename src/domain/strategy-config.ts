import { z } from "zod";
import { RiskLimitsSchema } from "../risk/limits.js";
import { SizingPolicySchema } from "../risk/sizing.js";
import { CandleFeedSchema } from "../strategy/feed/candle-feed-schema.js";

const positiveDecimal = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => /^(?:0|[1-9]\d*)(?:\.\d+)?$/.test(v) && Number(v) > 0, { error: "must be a positive decimal number" });

const SECONDS_ERROR = "must be a whole number of seconds from 1 to 86400";

/**
 * What becomes of a signal's limit entry or exit still working `afterSeconds` after it was placed:
 * it expires (reason LIMIT_TIMEOUT) and, with `to: "market"`, its unfilled remainder goes out as a
 * market order through the risk engine; `to: "cancel"` only expires it.
 */
export const LimitFallbackSchema = z.strictObject({
  afterSeconds: z
    .number({ error: SECONDS_ERROR })
    .int({ error: SECONDS_ERROR })
    .min(1, { error: SECONDS_ERROR })
    .max(86_400, { error: SECONDS_ERROR }),
  to: z.enum(["market", "cancel"]).default("market"),
});

/**
 * How a strategy trades, beyond what ingestion needs. Every field has a safe default, so a strategy
 * created with only a key trades small, market orders, on the paper venue.
 */
export const StrategyConfigSchema = z.object({
  /** paper: the embedded paper venue. live: the strategy's exchange account. disabled: signals are recorded only. */
  mode: z.enum(["paper", "live", "disabled"]).default("paper"),
  /** The account the strategy trades on; null means the shared paper account. */
  accountId: z.string().min(1).max(64).nullable().default(null),
  sizing: SizingPolicySchema.default({ type: "fixed_quote", notional: "100" }),
  /** market, or limit at `offsetBps` from the reference price on the favourable side (a buy below it). */
  defaultOrderType: z
    .discriminatedUnion("type", [
      z.object({ type: z.literal("market") }),
      z.object({ type: z.literal("limit"), offsetBps: positiveDecimal.or(z.literal("0")).default("0") }),
    ])
    .default({ type: "market" }),
  /** Off (null) by default: a limit rests until it fills or is cancelled. Applies to working orders at each sweep. */
  limitFallback: LimitFallbackSchema.nullable().default(null),
  /** Attached to every entry unless the signal gives its own; percent distance from the entry price. */
  defaultStopLossPercent: positiveDecimal.nullable().default(null),
  defaultTakeProfitPercent: positiveDecimal.nullable().default(null),
  /** For derivative markets; 1 means unleveraged. */
  leverage: positiveDecimal.default("1"),
  /** Largest |position| per symbol, in order units (contracts for swaps); null: only the risk limits apply. */
  maxPositionPerSymbol: positiveDecimal.nullable().default(null),
  /** Whether a second entry on the side already held adds to the position (true) or is ignored (false). */
  pyramiding: z.boolean().default(false),
  /** What an entry against the open position does: close it only, or close it and open the other side. */
  oppositeSignal: z.enum(["close", "reverse"]).default("reverse"),
  /** Pre-trade limits for this strategy; omitted fields take the documented defaults. */
  riskLimits: RiskLimitsSchema.default(RiskLimitsSchema.parse({})),
  /**
   * Off (null) by default. A built-in strategy fed the candles imported for its symbols, whose
   * signals are this strategy's, beside whatever its webhook receives.
   */
  candleFeed: CandleFeedSchema.nullable().default(null),
});

export type StrategyConfig = z.infer<typeof StrategyConfigSchema>;
export type LimitFallback = z.infer<typeof LimitFallbackSchema>;
export type StrategyConfigInput = z.input<typeof StrategyConfigSchema>;

export const DEFAULT_STRATEGY_CONFIG: StrategyConfig = StrategyConfigSchema.parse({});

/** The same fields with their defaults taken off: what a PATCH may carry (absent means unchanged). */
function withoutDefaults(shape: z.ZodRawShape): z.ZodRawShape {
  return Object.fromEntries(
    Object.entries(shape).map(([key, schema]) => [key, ((schema instanceof z.ZodDefault ? schema.unwrap() : schema) as z.ZodType).optional()]),
  ) as z.ZodRawShape;
}

/** Request-body fields for the configuration: optional, no defaults (the service fills them). */
export const strategyConfigPatchShape: z.ZodRawShape = {
  ...withoutDefaults(StrategyConfigSchema.shape),
  riskLimits: z.object(withoutDefaults(RiskLimitsSchema.shape)).strict().optional(),
};
export const StrategyConfigPatchSchema = z
  .object(strategyConfigPatchShape)
  .strict() as unknown as z.ZodType<Partial<Omit<StrategyConfigInput, "riskLimits">> & { riskLimits?: Partial<StrategyConfigInput["riskLimits"]> }>;
export type StrategyConfigPatch = z.infer<typeof StrategyConfigPatchSchema>;

/** The configuration's own fields, for splitting a flat request body into strategy and config parts. */
export const STRATEGY_CONFIG_KEYS = Object.keys(StrategyConfigSchema.shape) as Array<keyof StrategyConfig>;
