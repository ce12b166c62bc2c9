import type { MarketRules } from "../../domain/market.js";
import type { OrderSide } from "../../domain/order.js";
import type { CanonicalSignal, Quantity } from "../../domain/signal.js";
import type { StrategyConfig } from "../../domain/strategy-config.js";
import type { PlanCode, PlanNoopCode } from "./codes.js";

/** Exact when the position or the signal fixes the quantity; sized when the sizing policy must decide it. */
export type PlannedQuantity =
  | { readonly type: "exact"; readonly value: string }
  /** maxQuantity: the room maxPositionPerSymbol leaves, on the amount step; the sized quantity is cut to it. */
  | { readonly type: "sized"; readonly signalQuantity?: Quantity; readonly maxQuantity?: string };

export type PlannedOrder = {
  /** Exits reduce the position; entries add exposure. */
  readonly role: "entry" | "exit";
  readonly side: OrderSide;
  readonly kind: "market" | "limit";
  /** Order units; "sized" only ever on entries. */
  readonly quantity: PlannedQuantity;
  readonly limitPrice?: string;
  /** True for exits. */
  readonly reduceOnly: boolean;
  /** Entries only, rounded to the price tick. */
  readonly stopLoss?: { readonly price: string };
  readonly takeProfit?: { readonly price: string };
  /** Position within the plan (0..n-1). The client order id takes the role instead (client-order-id.ts). */
  readonly leg: number;
};

export type PlanNote = { readonly code: PlanCode; readonly detail: string };

export type OrderPlan = {
  /** To be attempted in this order: an exit always comes before the entry that depends on it. */
  readonly orders: PlannedOrder[];
  /** Kept on the signal's trace, also when nothing is done. */
  readonly notes: PlanNote[];
  /** Set exactly when `orders` is empty. */
  readonly noop?: { readonly code: PlanNoopCode; readonly detail: string };
};

export type PlanInput = {
  readonly signal: CanonicalSignal;
  readonly config: StrategyConfig;
  /** The strategy's position in the symbol, signed, in order units; undefined when flat. */
  readonly position: { readonly quantity: string } | undefined;
  readonly rules: MarketRules;
  /** The price the caller trusts now (usually the signal's, once checked for age); undefined when none. */
  readonly referencePrice: string | undefined;
};
