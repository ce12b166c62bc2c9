import { exitAll, exitSide, held, isNoop, noop, note, otherSide, sizedEntry, text, type Leg, type Noop, type Outcome, type PlanContext, type Side } from "./context.js";
import { exitQuantity } from "./exit-quantity.js";

/**
 * open and reverse: enter `side`. Against the opposite position, "close" only leaves it and
 * "reverse" leaves it and enters: the exit is leg 0, so the entry never nets against the old side.
 */
export function planEntry(ctx: PlanContext, side: Side, opposite: "close" | "reverse"): Outcome {
  if (ctx.current === "flat") return legsOf(sizedEntry(ctx, side));
  if (ctx.current === side) {
    if (!ctx.config.pyramiding) return noop("PYRAMIDING_OFF", `already ${side} ${text(held(ctx))}; pyramiding is off`);
    return legsOf(sizedEntry(ctx, side, held(ctx)));
  }
  if (opposite === "close") {
    note(ctx, "OPPOSITE_SIGNAL_CLOSES_ONLY", `${side} signal while ${ctx.current} ${text(held(ctx))}: the position is closed, no ${side} entry (oppositeSignal is close)`);
    return { legs: [exitAll(ctx)] };
  }
  const entry = sizedEntry(ctx, side);
  return { legs: isNoop(entry) ? [exitAll(ctx)] : [exitAll(ctx), entry] };
}

function legsOf(leg: Leg | Noop): Outcome {
  return isNoop(leg) ? leg : { legs: [leg] };
}

/** close: leave `side`, or whatever is held when no side is given; part of it when the signal says how much. */
export function planClose(ctx: PlanContext, side: Side | undefined): Outcome {
  if (ctx.current === "flat") return noop("NO_POSITION_TO_CLOSE", `close${side ? ` ${side}` : ""} while flat`);
  if (side !== undefined && side !== ctx.current) {
    return noop("NO_POSITION_TO_CLOSE", `close ${side} while ${ctx.current} ${text(held(ctx))}: the ${otherSide(side)} position is left alone`);
  }
  return partialExit(ctx, ctx.current);
}

export function partialExit(ctx: PlanContext, current: Side): Outcome {
  const q = exitQuantity(ctx);
  if (isNoop(q)) return q;
  return { legs: [{ role: "exit", side: exitSide(current), quantity: q.quantity }] };
}
