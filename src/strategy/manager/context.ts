import { Dec, plain, truncateToStep, ZERO } from "../../domain/decimal.js";
import type { OrderSide } from "../../domain/order.js";
import type { CanonicalSignal, Quantity } from "../../domain/signal.js";
import type { StrategyConfig } from "../../domain/strategy-config.js";
import type { MarketRules } from "../../domain/market.js";
import { divDown, toDec } from "../../risk/values.js";
import type { PlanNoopCode, PlanNoteCode } from "./codes.js";
import type { PlanInput, PlanNote } from "./types.js";

export type Side = "long" | "short";
export type CurrentSide = Side | "flat";

/** Everything a planner reads, parsed once: decimals are checked here so planners never see bad text. */
export type PlanContext = {
  readonly signal: CanonicalSignal;
  readonly config: StrategyConfig;
  readonly rules: MarketRules;
  /** Signed, order units. */
  readonly position: Dec;
  readonly current: CurrentSide;
  readonly amountStep: Dec;
  readonly priceStep: Dec;
  readonly contractSize: Dec;
  /** undefined when missing or not a positive decimal. */
  readonly reference: Dec | undefined;
  /** Truncated to the amount step; undefined when the config sets no maximum. */
  readonly maxPosition: Dec | undefined;
  readonly notes: PlanNote[];
};

/** A leg before its prices are decided: quantity is exact (order units) or left to the sizing policy. */
export type Leg =
  | { readonly role: "exit"; readonly side: OrderSide; readonly quantity: Dec }
  | { readonly role: "entry"; readonly side: OrderSide; readonly position: Side; readonly quantity: Dec | SizedQuantity };

/** Left to the sizing policy; `room` is the most maxPositionPerSymbol lets the entry add (undefined: no maximum). */
export type SizedQuantity = { readonly sized: true; readonly signalQuantity?: Quantity; readonly room?: Dec };

export type Noop = { readonly noop: { readonly code: PlanNoopCode; readonly detail: string } };
export type Outcome = { readonly legs: Leg[] } | Noop;

export function noop(code: PlanNoopCode, detail: string): Noop {
  return { noop: { code, detail } };
}

export function isNoop(value: object): value is Noop {
  return "noop" in value;
}

export function note(ctx: PlanContext, code: PlanNoteCode, detail: string): void {
  ctx.notes.push({ code, detail });
}

export function buildContext(input: PlanInput): PlanContext | Noop {
  const { signal, config, rules } = input;
  const position = toDec(input.position?.quantity ?? "0");
  if (position === null) return noop("POSITION_INVALID", `position quantity ${String(input.position?.quantity)} is not a decimal`);
  const { amountStep, priceStep, contractSize } = marketSteps(rules);
  if (!amountStep || !priceStep || !contractSize) {
    return noop("MARKET_RULES_INVALID", `market rules for ${String(rules?.symbol)} need positive amountStep, priceStep and contractSize`);
  }
  let maxPosition: Dec | undefined;
  if (config.maxPositionPerSymbol !== null && config.maxPositionPerSymbol !== undefined) {
    const max = positive(config.maxPositionPerSymbol);
    if (!max) return noop("CONFIG_INVALID", `maxPositionPerSymbol ${String(config.maxPositionPerSymbol)} is not a positive decimal`);
    maxPosition = truncateToStep(max, amountStep);
  }
  return {
    signal,
    config,
    rules,
    position,
    current: position.isZero() ? "flat" : position.isNeg() ? "short" : "long",
    amountStep,
    priceStep,
    contractSize,
    reference: positive(input.referencePrice),
    maxPosition,
    notes: [],
  };
}

type Steps = { readonly amountStep: Dec | undefined; readonly priceStep: Dec | undefined; readonly contractSize: Dec | undefined };

// Rules are read-only values shared by every signal of a market: their steps are read once.
const stepsOfRules = new WeakMap<object, Steps>();

function marketSteps(rules: MarketRules | undefined): Steps {
  if (typeof rules !== "object" || rules === null) return { amountStep: undefined, priceStep: undefined, contractSize: undefined };
  let steps = stepsOfRules.get(rules);
  if (steps === undefined) {
    steps = { amountStep: positive(rules.amountStep), priceStep: positive(rules.priceStep), contractSize: positive(rules.contractSize) };
    stepsOfRules.set(rules, steps);
  }
  return steps;
}

function positive(value: unknown): Dec | undefined {
  const d = toDec(value);
  return d !== null && d.gt(0) ? d : undefined;
}

export function entrySide(side: Side): OrderSide {
  return side === "long" ? "buy" : "sell";
}

export function exitSide(side: Side): OrderSide {
  return side === "long" ? "sell" : "buy";
}

export function otherSide(side: Side): Side {
  return side === "long" ? "short" : "long";
}

/** Base units (what signals speak) to order units (contracts for swaps), rounded toward zero. */
export function toOrderUnits(ctx: PlanContext, base: Dec): Dec {
  return divDown(base, ctx.contractSize);
}

export function held(ctx: PlanContext): Dec {
  return ctx.position.abs();
}

/** The whole position, exactly as held: closing it must leave nothing behind, on step or not. */
export function exitAll(ctx: PlanContext): Leg {
  return { role: "exit", side: ctx.current === "short" ? "buy" : "sell", quantity: held(ctx) };
}

/**
 * An entry the sizing policy sizes, on top of `alreadyHeld` on the same side (0 from flat or after a
 * reversal's exit). With maxPositionPerSymbol set, it carries the room left under that maximum, so
 * whatever the policy decides is cut to it; no room at all is MAX_POSITION_REACHED.
 */
export function sizedEntry(ctx: PlanContext, side: Side, alreadyHeld: Dec = ZERO): Leg | Noop {
  const q = ctx.signal.quantity;
  const room = roomUnderMax(ctx, alreadyHeld);
  if (room !== undefined && room.isZero()) {
    return noop("MAX_POSITION_REACHED", `position ${text(alreadyHeld)} leaves no room under maxPositionPerSymbol ${text(ctx.maxPosition ?? ZERO)}`);
  }
  const quantity: SizedQuantity = { sized: true, ...(q !== undefined ? { signalQuantity: q } : {}), ...(room !== undefined ? { room } : {}) };
  return { role: "entry", side: entrySide(side), position: side, quantity };
}

/** What maxPositionPerSymbol lets an entry add on top of `alreadyHeld`, on the amount step; undefined when there is no maximum. */
export function roomUnderMax(ctx: PlanContext, alreadyHeld: Dec): Dec | undefined {
  return ctx.maxPosition === undefined ? undefined : truncateToStep(Dec.max(ctx.maxPosition.sub(alreadyHeld), 0), ctx.amountStep);
}

export function text(d: Dec): string {
  return plain(d);
}
