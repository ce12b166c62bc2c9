import { expireRestingOrder, workingLimitsWithFallback } from "../../db/repositories/expired-limits-repository.js";
import { lockKillSwitchShared } from "../../db/repositories/kill-switch-lock.js";
import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import type { StoredOrder } from "../../db/repositories/trading-repository.js";
import { plain } from "../../domain/decimal.js";
import type { TradingContext } from "../../trading/context.js";
import { protectPartialEntry } from "../paper/paper-venue.js";
import type { Logger } from "../../lib/logger.js";
import { placeOrderWithin, type PlaceOrderInput, type PlaceOrderResult } from "../place-order.js";
import { dueFallbacks, fallbackLeg, LIMIT_TIMEOUT, unfilledRemainder, type DueFallback } from "./due.js";

/** What one sweep did to one due order. */
export type FallbackResult = {
  readonly orderId: string;
  /** false: it filled or was cancelled before the sweep took its lock, and was left as it is. */
  readonly expired: boolean;
  /** The market order for the remainder; null when none was attempted (cancel mode, nothing left, a strategy that may not trade). */
  readonly replacement: {
    readonly outcome: string;
    readonly reason: string | null;
    readonly orderId: string | null;
    /** true when an earlier sweep had already placed it (its client order id was taken). */
    readonly duplicate: boolean;
  } | null;
};

/**
 * One pass: every resting signal limit past its strategy's timeout is expired and, in "market"
 * mode, replaced by a market order for its unfilled remainder. One failing order is logged and left
 * resting for the next pass; the others still go.
 */
export async function sweepTimedOutLimits(ctx: TradingContext): Promise<FallbackResult[]> {
  const now = ctx.clock.now();
  const due = dueFallbacks(await workingLimitsWithFallback(ctx.db, "paper"), now, "paper");
  return fallBackEach(ctx.logger, "paper", due, (item) => fallBack(ctx, item, now));
}

/**
 * Each due order's fallback in turn, paper or live: one that fails is logged and left for the next
 * sweep (a paper limit still resting, a live one still marked), and the others still go.
 */
export async function fallBackEach(
  logger: Logger,
  venue: "paper" | "live",
  due: readonly DueFallback[],
  fallBack: (due: DueFallback) => Promise<FallbackResult>,
): Promise<FallbackResult[]> {
  const results: FallbackResult[] = [];
  for (const item of due) {
    try {
      const result = await fallBack(item);
      results.push(result);
      if (result.expired) logger.info({ ...result, venue, signalId: item.order.signalId }, "limit order timed out");
    } catch (err) {
      logger.error({ err, venue, orderId: item.order.id }, "limit fallback failed; the next sweep tries again");
    }
  }
  return results;
}

/** What became of a replacement: placed (approved or resized), or denied, with the reason. */
export function replacementOutcome(placed: PlaceOrderResult): NonNullable<FallbackResult["replacement"]> {
  return {
    outcome: placed.order ? (placed.decision?.outcome ?? "approved") : "denied",
    reason: placed.decision?.reason ?? placed.order?.rejectReason ?? null,
    orderId: placed.order?.id ?? null,
    duplicate: placed.duplicate,
  };
}

/**
 * Expiry and replacement commit together or not at all, so a crash between them cannot leave a
 * limit expired with its remainder never sent. Under the symbol lock a fill cannot slip in between
 * reading the remainder and sending it; a second instance sweeping the same order waits on the lock
 * and then finds it no longer resting. The kill-switch lock comes first, as in placeOrder, so a halt
 * that holds it exclusively and waits for this symbol cannot deadlock with us.
 */
async function fallBack(ctx: TradingContext, due: DueFallback, now: Date): Promise<FallbackResult> {
  return ctx.db.transaction(async (tx) => {
    await lockKillSwitchShared(tx);
    await lockSymbol(tx, due.order.symbol);
    const expired = await expireRestingOrder(tx, due.order.id, now, LIMIT_TIMEOUT);
    if (!expired) return { orderId: due.order.id, expired: false, replacement: null };
    // What the limit did fill is a position already: it gets its stop and target now.
    await protectPartialEntry(ctx, tx, expired);
    const remainder = unfilledRemainder(expired);
    if (due.fallback.to !== "market" || !due.mayTrade || remainder.isZero()) return { orderId: expired.id, expired: true, replacement: null };
    // Through the risk engine like any order: a halt, a stale price or a limit denies it, and the denial is stored on the signal.
    const placed = await placeOrderWithin(tx, { ctx, input: replacementOf(expired, plain(remainder), due) });
    return { orderId: expired.id, expired: true, replacement: replacementOutcome(placed) };
  });
}

/** The same signal, role, side, reduce-only flag and protection levels as the original; at market, for the remainder. */
export function replacementOf(original: StoredOrder, remainder: string, due: DueFallback): PlaceOrderInput {
  if (original.signalId === null || (original.role !== "entry" && original.role !== "exit")) {
    throw new Error(`order ${original.id} is not a signal's entry or exit and has no fallback`);
  }
  return {
    accountId: original.accountId,
    strategyId: original.strategyId,
    symbol: original.symbol,
    side: original.side,
    kind: "market",
    quantity: remainder,
    reduceOnly: original.reduceOnly,
    role: original.role,
    origin: { signalId: original.signalId },
    leg: fallbackLeg(original.leg),
    stopLoss: original.stopLossPrice ?? undefined,
    takeProfit: original.takeProfitPrice ?? undefined,
    limits: due.limits,
  };
}
