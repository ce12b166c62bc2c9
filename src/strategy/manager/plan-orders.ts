import { buildContext, held, isNoop, noop, note, text, type Leg, type Noop, type Outcome, type PlanContext } from "./context.js";
import { entryTerms, exitTerms, protections } from "./order-terms.js";
import { planClose, planEntry } from "./position-intents.js";
import { planTarget } from "./target-intent.js";
import type { OrderPlan, PlanInput, PlannedOrder } from "./types.js";

/**
 * The strategy manager: one canonical signal, the strategy's configuration and its position in the
 * symbol → the orders to attempt, in order, or a no-op with a reason. Pure: no I/O, no clock, and it
 * never throws; sizing against limits is the risk engine's job, talking to venues execution's.
 */
export function planOrders(input: PlanInput): OrderPlan {
  let ctx: PlanContext | undefined;
  try {
    const built = buildContext(input);
    if (isNoop(built)) return { orders: [], notes: [], noop: built.noop };
    ctx = built;
    return planWith(ctx);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { orders: [], notes: ctx?.notes ?? [], noop: { code: "STRATEGY_MANAGER_ERROR", detail: `the plan could not be made: ${detail}` } };
  }
}

function planWith(ctx: PlanContext): OrderPlan {
  checkPrevious(ctx);
  const outcome = planIntent(ctx);
  if (isNoop(outcome)) return finish(ctx, outcome);
  const orders: PlannedOrder[] = [];
  const decided = ctx.notes.length;
  for (const leg of outcome.legs) {
    const order = toOrder(ctx, leg, orders.length);
    if (isNoop(order)) {
      // Notes about the prices of legs that will not be sent would only mislead the trace.
      ctx.notes.splice(decided);
      return finish(ctx, order);
    }
    orders.push(order);
  }
  return { orders, notes: ctx.notes };
}

function finish(ctx: PlanContext, outcome: Noop): OrderPlan {
  return { orders: [], notes: ctx.notes, noop: outcome.noop };
}

function planIntent(ctx: PlanContext): Outcome {
  const intent = ctx.signal.intent;
  switch (intent?.action) {
    case "open":
      return planEntry(ctx, intent.side, ctx.config.oppositeSignal === "close" ? "close" : "reverse");
    case "reverse":
      return planEntry(ctx, intent.side, "reverse");
    case "close":
      return planClose(ctx, intent.side);
    case "target":
      return planTarget(ctx, intent.side, intent.size, intent.orderSide);
  }
  return noop("SIGNAL_INVALID", `unknown intent action ${String((intent as { action?: unknown } | undefined)?.action)}`);
}

/** A sender that thought it was elsewhere is worth a note; the plan still heals toward what it asks now. */
function checkPrevious(ctx: PlanContext): void {
  const previous = ctx.signal.previousPosition;
  if (!previous || previous.side === ctx.current) return;
  const ours = ctx.current === "flat" ? "flat" : `${ctx.current} ${text(held(ctx))}`;
  note(ctx, "PREVIOUS_POSITION_MISMATCH", `the sender's previous position was ${previous.side}${previous.size ? ` ${previous.size}` : ""}, ours is ${ours}`);
}

function toOrder(ctx: PlanContext, leg: Leg, index: number): PlannedOrder | Noop {
  if (leg.role === "exit") {
    const terms = exitTerms(ctx);
    if (isNoop(terms)) return terms;
    return {
      role: "exit",
      side: leg.side,
      kind: terms.kind,
      quantity: { type: "exact", value: text(leg.quantity) },
      ...(terms.limitPrice ? { limitPrice: text(terms.limitPrice) } : {}),
      reduceOnly: true,
      leg: index,
    };
  }
  const terms = entryTerms(ctx, leg.side);
  if (isNoop(terms)) return terms;
  const levels = protections(ctx, leg.position, terms.limitPrice ?? ctx.reference);
  if (isNoop(levels)) return levels;
  const q = leg.quantity;
  return {
    role: "entry",
    side: leg.side,
    kind: terms.kind,
    quantity:
      "sized" in q
        ? { type: "sized", ...(q.signalQuantity ? { signalQuantity: q.signalQuantity } : {}), ...(q.room ? { maxQuantity: text(q.room) } : {}) }
        : { type: "exact", value: text(q) },
    ...(terms.limitPrice ? { limitPrice: text(terms.limitPrice) } : {}),
    reduceOnly: false,
    ...(levels.stopLoss ? { stopLoss: { price: text(levels.stopLoss) } } : {}),
    ...(levels.takeProfit ? { takeProfit: { price: text(levels.takeProfit) } } : {}),
    leg: index,
  };
}
