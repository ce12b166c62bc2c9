import { Dec, truncateToStep } from "../../domain/decimal.js";
import { toDec } from "../../risk/values.js";
import {
  entrySide,
  exitAll,
  exitSide,
  held,
  noop,
  note,
  roomUnderMax,
  text,
  toOrderUnits,
  type Leg,
  type Outcome,
  type PlanContext,
  type Side,
} from "./context.js";
import { planEntry, partialExit } from "./position-intents.js";

type TargetSide = Side | "flat";

/**
 * target: end at a position rather than place an order, so a repeated or missed alert heals
 * instead of stacking. With a size the plan is exact; without one the order side tells a partial
 * exit from an add, and anything else on the held side is already there.
 */
export function planTarget(ctx: PlanContext, side: TargetSide, size: string | undefined, orderSide: "buy" | "sell" | undefined): Outcome {
  if (size !== undefined) return planTargetSize(ctx, side, size);
  if (side === "flat") return ctx.current === "flat" ? noop("ALREADY_AT_TARGET", "target flat while flat") : { legs: [exitAll(ctx)] };
  if (ctx.current !== side) return planEntry(ctx, side, "reverse");
  if (orderSide === exitSide(side)) {
    if (ctx.signal.quantity !== undefined) return partialExit(ctx, side);
    return noop("ALREADY_AT_TARGET", `target ${side} after a ${orderSide} without a quantity or size: send the position size to exit part`);
  }
  if (orderSide === entrySide(side)) return planEntry(ctx, side, "reverse");
  return noop("ALREADY_AT_TARGET", `target ${side} while ${side} ${text(held(ctx))}`);
}

function planTargetSize(ctx: PlanContext, side: TargetSide, sizeText: string): Outcome {
  const size = toDec(sizeText);
  if (size === null || size.lt(0)) return noop("SIGNAL_INVALID", `target size ${String(sizeText)} is not a non-negative decimal`);
  if ((side === "flat") !== size.isZero()) return noop("SIGNAL_INVALID", `a ${side} target of size ${text(size)}`);

  const units = toOrderUnits(ctx, size);
  const fitted = truncateToStep(units, ctx.amountStep);
  if (!fitted.eq(units)) note(ctx, "TARGET_SIZE_TRUNCATED", `target ${text(units)} truncated to ${text(fitted)} (amount step ${text(ctx.amountStep)})`);
  const target = side === "short" ? fitted.neg() : fitted;
  const current = ctx.position;
  if (target.eq(current)) return noop("ALREADY_AT_TARGET", `target ${text(target)} equals the position`);

  const crosses = (current.gt(0) && target.lt(0)) || (current.lt(0) && target.gt(0));
  if (crosses || target.isZero()) {
    const legs: Leg[] = [exitAll(ctx)];
    const entry = capEntry(ctx, target.abs(), new Dec(0));
    if (entry.gt(0)) legs.push(exactEntry(target.gt(0) ? "long" : "short", entry));
    return { legs };
  }

  const diff = target.sub(current);
  const step = truncateToStep(diff.abs(), ctx.amountStep);
  if (step.isZero()) {
    note(ctx, "TARGET_SIZE_DIFF", `target ${text(target)} is ${text(diff)} from the position ${text(current)}, less than one amount step ${text(ctx.amountStep)}`);
    return noop("ALREADY_AT_TARGET", `within one amount step of target ${text(target)}`);
  }
  const heldSide: Side = target.gt(0) ? "long" : "short";
  if (target.abs().lt(current.abs())) return { legs: [{ role: "exit", side: exitSide(heldSide), quantity: step }] };
  const entry = capEntry(ctx, step, current.abs());
  if (entry.isZero()) return noop("MAX_POSITION_REACHED", `position ${text(current)} is at maxPositionPerSymbol ${text(ctx.maxPosition ?? new Dec(0))}`);
  return { legs: [exactEntry(heldSide, entry)] };
}

/** An exact entry may not take |position| above maxPositionPerSymbol (sized entries carry their room: see sizedEntry). */
function capEntry(ctx: PlanContext, quantity: Dec, alreadyHeld: Dec): Dec {
  const room = roomUnderMax(ctx, alreadyHeld);
  if (room === undefined || quantity.lte(room)) return quantity;
  note(ctx, "MAX_POSITION_CAPPED", `entry of ${text(quantity)} capped to ${text(room)} by maxPositionPerSymbol ${text(ctx.maxPosition ?? room)}`);
  return room;
}

function exactEntry(side: Side, quantity: Dec): Leg {
  return { role: "entry", side: entrySide(side), position: side, quantity };
}
