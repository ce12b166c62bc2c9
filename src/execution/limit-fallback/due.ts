import type { WorkingLimitRow } from "../../db/repositories/expired-limits-repository.js";
import type { StoredOrder } from "../../db/repositories/trading-repository.js";
import { dec, ZERO, type Dec } from "../../domain/decimal.js";
import { FALLBACK_LEG_OFFSET } from "../client-order-id.js";
import { StrategyConfigSchema, type LimitFallback } from "../../domain/strategy-config.js";
import type { RiskLimits } from "../../risk/limits.js";

/** The reason an order that outlived its strategy's limit timeout carries once expired. */
export const LIMIT_TIMEOUT = "LIMIT_TIMEOUT";

/**
 * A replacement's leg: the offset plus the original's, so its deterministic client order id is
 * derived from the original's and is never a plan leg's: a sweep retried after a crash finds the
 * replacement instead of placing a twin.
 */
export const fallbackLeg = (originalLeg: number): number => FALLBACK_LEG_OFFSET + originalLeg;

export type DueFallback = {
  readonly order: StoredOrder;
  readonly fallback: LimitFallback;
  readonly limits: RiskLimits;
  /** false for a strategy that is disabled or no longer in the mode of the order's venue: its order expires, nothing replaces it. */
  readonly mayTrade: boolean;
};

/** Due once `afterSeconds` have passed since the order was placed, by the injected clock. */
export function isDue(createdAt: Date, afterSeconds: number, now: Date): boolean {
  return now.getTime() - createdAt.getTime() >= afterSeconds * 1000;
}

/**
 * The resting limits whose strategy's fallback (as configured now, so a PATCH applies to orders
 * already working) has run out. A configuration that no longer parses acts on nothing: fail closed.
 */
export function dueFallbacks(rows: readonly WorkingLimitRow[], now: Date, venueMode: "paper" | "live"): DueFallback[] {
  const due: DueFallback[] = [];
  for (const row of rows) {
    const parsed = StrategyConfigSchema.safeParse(row.strategyConfig ?? {});
    if (!parsed.success) continue;
    const { limitFallback, riskLimits, mode } = parsed.data;
    if (!limitFallback || !isDue(row.order.createdAt, limitFallback.afterSeconds, now)) continue;
    due.push({ order: row.order, fallback: limitFallback, limits: riskLimits, mayTrade: row.strategyEnabled && mode === venueMode });
  }
  return due;
}

/** What is left to trade: quantity − filled, never below zero and never rounded (exact decimals). */
export function unfilledRemainder(order: Pick<StoredOrder, "quantity" | "filledQuantity">): Dec {
  const left = dec(order.quantity).sub(order.filledQuantity);
  return left.isNeg() ? ZERO : left;
}
