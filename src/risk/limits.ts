import { z } from "zod";
import { percentDecimal, positiveDecimal } from "./schemas.js";

/**
 * Pre-trade limits. Every limit is on by default with a deliberately small value, so a fresh install
 * cannot lose much before an operator has thought about it; `null` switches a limit off, which has to
 * be written down explicitly. Money amounts are in the account's quote currency, as decimal strings.
 *
 * Which limits resize and which deny: limits on this order and this symbol (maxOrderNotional,
 * maxPosition*, maxLeverage) resize the order down to the largest legal quantity; account-wide limits
 * (maxGrossExposure*, maxOpenPositions) and everything about state, prices, rate and daily loss deny.
 * Account-wide headroom is shared by every strategy on the account: taking its last sliver with an
 * order nobody asked for is worse than saying no.
 */
export const RiskLimitsSchema = z.object({
  /** One order's notional. 1000: a bad signal or a fat finger costs at most this much per order. */
  maxOrderNotional: positiveDecimal.nullable().default("1000"),
  /**
   * |position| notional in one symbol after the order, for the strategy and for the account each.
   * 2500: a few full-size orders can add up in one market, no more.
   */
  maxPositionNotionalPerSymbol: positiveDecimal.nullable().default("2500"),
  /** The same cap in order units (contracts for swaps). Off: a unit count means nothing across markets. */
  maxPositionQuantityPerSymbol: positiveDecimal.nullable().default(null),
  /** Positions open at once on the account, counting the one the order would open. 5: enough to diversify. */
  maxOpenPositions: z.number().int().min(0).nullable().default(5),
  /**
   * Σ |position notional| over the account, as a multiple of equity. 1: no borrowed exposure, so
   * a spot-like account cannot lose more than it holds; raise it deliberately for margin trading.
   */
  maxGrossExposureMultiple: positiveDecimal.nullable().default("1"),
  /** Σ |position notional| as an absolute amount. Off: the multiple of equity already bounds it. */
  maxGrossExposureNotional: positiveDecimal.nullable().default(null),
  /** One symbol's |position notional| / equity, like a venue's per-symbol leverage. 1: unleveraged. */
  maxLeverage: positiveDecimal.nullable().default("1"),
  /**
   * Realized + unrealized loss since 00:00 UTC, in percent of start-of-day equity, at which new risk
   * stops. 5: a bad day, not a ruinous one.
   */
  maxDailyLossPercent: percentDecimal.nullable().default("5"),
  /**
   * The account state the daily loss limit switches to. REDUCING, not HALTED: exits, stops and
   * the operator's closes must still go through after a bad day; HALTED would trap the positions.
   */
  dailyLossAction: z.enum(["REDUCING", "HALTED"]).default("REDUCING"),
  /** Orders one strategy may place in any 60 s. 10: far above a bar-based strategy, far below a runaway loop. */
  maxOrdersPerMinute: z.number().int().min(1).nullable().default(10),
  /**
   * How far a limit price may sit from the reference price, both sides, in basis points. 500 (5 %):
   * catches a misplaced decimal point, lets ordinary resting orders through.
   */
  priceCollarBps: positiveDecimal.nullable().default("500"),
  /**
   * Oldest reference price the engine trusts, in ms, either side of now (clock skew counts too).
   * 60 000: covers TradingView's resends and a queued signal; older prices make collars and caps lie.
   */
  maxReferencePriceAgeMs: z.number().int().positive().nullable().default(60_000),
});
export type RiskLimits = z.infer<typeof RiskLimitsSchema>;
export type RiskLimitsInput = z.input<typeof RiskLimitsSchema>;

export const DEFAULT_RISK_LIMITS: RiskLimits = Object.freeze(RiskLimitsSchema.parse({}));

/** The text a decision carries for the limit that fired: "maxOrderNotional=1000". */
export function limitText(name: string, value: string | number): string {
  return `${name}=${value}`;
}
