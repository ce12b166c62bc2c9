import { bps, Dec, roundToStep } from "../../domain/decimal.js";
import type { OrderSide } from "../../domain/order.js";
import type { Protection } from "../../domain/signal.js";
import { toDec } from "../../risk/values.js";
import { noop, note, text, type Noop, type PlanContext, type Side } from "./context.js";

export type Terms = { readonly kind: "market" | "limit"; readonly limitPrice?: Dec };

/**
 * Entries: the signal's limit, else the strategy's default order type. The schema defaults a
 * signal's orderType to market, so "market" reads as "not said" and the default applies.
 */
export function entryTerms(ctx: PlanContext, side: OrderSide): Terms | Noop {
  const { signal, config } = ctx;
  if (signal.orderType === "stop") {
    return noop("ORDER_TYPE_UNSUPPORTED", `stop entries are not supported yet (stop price ${String(signal.stopPrice)}): send a market or limit order`);
  }
  if (signal.orderType === "limit") {
    if (signal.limitPrice !== undefined) return givenLimit(signal.limitPrice);
    const offset = config.defaultOrderType.type === "limit" ? config.defaultOrderType.offsetBps : "0";
    return offsetLimit(ctx, side, offset, "the signal's limit order has no price");
  }
  if (config.defaultOrderType.type === "limit") return offsetLimit(ctx, side, config.defaultOrderType.offsetBps, "the strategy's default order type is limit");
  return { kind: "market" };
}

/** Exits are market orders unless the signal names a limit price: leaving a position should not wait on a guess. */
export function exitTerms(ctx: PlanContext): Terms | Noop {
  const { signal } = ctx;
  if (signal.orderType === "limit" && signal.limitPrice !== undefined) return givenLimit(signal.limitPrice);
  if (signal.orderType !== "market") {
    note(ctx, "EXIT_AT_MARKET", `the signal's ${signal.orderType} order type has no usable price for an exit, which goes at market`);
  }
  return { kind: "market" };
}

function givenLimit(value: string): Terms | Noop {
  const price = toDec(value);
  if (price === null || price.lte(0)) return noop("LIMIT_PRICE_INVALID", `limit price ${String(value)} is not a positive decimal`);
  return { kind: "limit", limitPrice: price };
}

/** Reference ± offset on the side that favours us (a buy below, a sell above), rounded further that way. */
function offsetLimit(ctx: PlanContext, side: OrderSide, offsetBps: string, why: string): Terms | Noop {
  if (!ctx.reference) return noop("REFERENCE_PRICE_MISSING", `${why}: a limit price at an offset needs a reference price`);
  const offset = toDec(offsetBps);
  if (offset === null || offset.lt(0)) return noop("CONFIG_INVALID", `defaultOrderType.offsetBps ${String(offsetBps)} is not a non-negative decimal`);
  const buy = side === "buy";
  const raw = ctx.reference.mul(buy ? new Dec(1).sub(bps(offset)) : new Dec(1).add(bps(offset)));
  const ticks = raw.div(ctx.priceStep);
  const price = (buy ? ticks.floor() : ticks.ceil()).mul(ctx.priceStep);
  if (price.lte(0)) return noop("LIMIT_PRICE_INVALID", `offset ${text(offset)} bps leaves no positive ${side} price below ${text(ctx.reference)}`);
  note(ctx, "LIMIT_PRICE_FROM_OFFSET", `${why}: ${side} limit ${text(price)} = reference ${text(ctx.reference)} ${buy ? "-" : "+"} ${text(offset)} bps`);
  return { kind: "limit", limitPrice: price };
}

export type Protections = { stopLoss?: Dec; takeProfit?: Dec };

/**
 * Stop-loss and take-profit for an entry on `side`, from the signal, else the strategy's default
 * percent, measured from the limit price or, for a market entry, the reference price.
 */
export function protections(ctx: PlanContext, side: Side, entryPrice: Dec | undefined): Protections | Noop {
  const out: Protections = {};
  for (const which of ["stopLoss", "takeProfit"] as const) {
    const fallback = which === "stopLoss" ? ctx.config.defaultStopLossPercent : ctx.config.defaultTakeProfitPercent;
    const level = protection(ctx, which, side, ctx.signal[which], fallback, entryPrice);
    if (level === undefined) continue;
    if ("noop" in level) return level;
    out[which] = level;
  }
  return out;
}

function protection(ctx: PlanContext, which: "stopLoss" | "takeProfit", side: Side, given: Protection | undefined, fallback: string | null, entry: Dec | undefined): Dec | Noop | undefined {
  let price: Dec;
  if (given?.price !== undefined) {
    const p = toDec(given.price);
    if (p === null) return noop("PROTECTION_INVALID", `${which} price ${String(given.price)} is not a decimal`);
    price = roundToStep(p, ctx.priceStep);
  } else {
    const percentText = given?.percent ?? fallback;
    if (percentText === null || percentText === undefined) return undefined;
    const percent = toDec(percentText);
    if (percent === null || percent.lte(0)) return noop("PROTECTION_INVALID", `${which} percent ${String(percentText)} is not a positive decimal`);
    if (!entry) return noop("REFERENCE_PRICE_MISSING", `a ${which} of ${text(percent)}% needs a reference or limit price`);
    // Below the entry for a long's stop and a short's target, above it otherwise.
    const below = (which === "stopLoss") === (side === "long");
    const factor = new Dec(1).add(percent.div(100).mul(below ? -1 : 1));
    price = roundToStep(entry.mul(factor), ctx.priceStep);
  }
  if (price.lte(0)) return noop("PROTECTION_INVALID", `${which} ${text(price)} is not a positive price`);
  if (entry) {
    const below = (which === "stopLoss") === (side === "long");
    if (below ? price.gte(entry) : price.lte(entry)) {
      return noop("PROTECTION_INVALID", `${which} ${text(price)} is not ${below ? "below" : "above"} the ${side} entry at ${text(entry)}`);
    }
  }
  return price;
}
