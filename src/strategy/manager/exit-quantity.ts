import { truncateToStep, type Dec } from "../../domain/decimal.js";
import { divDown, toDec } from "../../risk/values.js";
import { held, noop, note, text, toOrderUnits, type Noop, type PlanContext } from "./context.js";

/**
 * How much of the held position an exit sells (or buys back), in order units. Never more than is
 * held, never rounded up; a quantity that covers the position exits all of it exactly, so no dust
 * below the amount step is left behind.
 */
export function exitQuantity(ctx: PlanContext): { quantity: Dec } | Noop {
  const all = held(ctx);
  const q = ctx.signal.quantity;
  if (q === undefined) return { quantity: all };
  const value = toDec(q.value);
  if (value === null || value.lt(0)) return noop("SIGNAL_INVALID", `exit quantity ${String(q.value)} is not a non-negative decimal`);
  switch (q.unit) {
    case "base":
      return partial(ctx, toOrderUnits(ctx, value), `${text(value)} base`);
    case "quote": {
      // Converting at the reference price keeps "close 100 USDT" from closing the whole position.
      if (!ctx.reference) return noop("REFERENCE_PRICE_MISSING", `a close of ${text(value)} ${ctx.rules.quote} needs a reference price`);
      return partial(ctx, divDown(value, ctx.reference.mul(ctx.contractSize)), `${text(value)} ${ctx.rules.quote}`);
    }
    case "percent_position": {
      if (value.gt(100)) return noop("SIGNAL_INVALID", `percent_position ${text(value)} is above 100`);
      if (value.eq(100)) return { quantity: all };
      const share = truncateToStep(all.mul(value).div(100), ctx.amountStep);
      if (share.isZero()) return noop("EXIT_QUANTITY_ZERO", `${text(value)}% of ${text(all)} is below the amount step ${text(ctx.amountStep)}`);
      return { quantity: share };
    }
    case "percent_equity":
      // Equity is the risk engine's input, not ours; closing everything instead would be a guess.
      return noop("QUANTITY_UNIT_UNSUPPORTED", "an exit sized as percent_equity is not supported: send base units or percent_position");
  }
  return noop("SIGNAL_INVALID", `unknown quantity unit ${String((q as { unit: unknown }).unit)}`);
}

function partial(ctx: PlanContext, wanted: Dec, asked: string): { quantity: Dec } | Noop {
  const all = held(ctx);
  if (wanted.gte(all)) {
    if (wanted.gt(all)) note(ctx, "EXIT_CAPPED_AT_POSITION", `exit of ${asked} (${text(wanted)} order units) capped at the position ${text(all)}`);
    return { quantity: all };
  }
  const fitted = truncateToStep(wanted, ctx.amountStep);
  if (fitted.isZero()) return noop("EXIT_QUANTITY_ZERO", `exit of ${asked} is below the amount step ${text(ctx.amountStep)}`);
  if (!fitted.eq(wanted)) note(ctx, "EXIT_QUANTITY_TRUNCATED", `exit of ${text(wanted)} truncated to ${text(fitted)} (amount step ${text(ctx.amountStep)})`);
  return { quantity: fitted };
}
