/**
 * Orders and their lifecycle. An order is immutable data; a transition produces a new order, and
 * only the transitions below exist, so an order can never go back from filled to open or be filled
 * twice (nautilus_trader's order FSM, reduced to what a signal gateway needs).
 */

export const ORDER_SIDES = ["buy", "sell"] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_KINDS = ["market", "limit", "stop"] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** Why the order exists: entries and exits come from signals; stops and targets protect an entry. */
export const ORDER_ROLES = ["entry", "exit", "stop_loss", "take_profit"] as const;
export type OrderRole = (typeof ORDER_ROLES)[number];

export const ORDER_STATUSES = ["new", "submitted", "partially_filled", "filled", "cancelled", "rejected", "expired"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  new: ["submitted", "rejected", "cancelled"],
  submitted: ["partially_filled", "filled", "cancelled", "rejected", "expired"],
  partially_filled: ["partially_filled", "filled", "cancelled", "expired"],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

export const OPEN_STATUSES: readonly OrderStatus[] = ["new", "submitted", "partially_filled"];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isOpen(status: OrderStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function opposite(side: OrderSide): OrderSide {
  return side === "buy" ? "sell" : "buy";
}

export type Order = {
  readonly id: string;
  /** Deterministic: derived from the signal and the order's role, so a retry cannot create a twin. */
  readonly clientOrderId: string;
  readonly accountId: string;
  readonly strategyId: string;
  readonly signalId: string | null;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly kind: OrderKind;
  readonly role: OrderRole;
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly stopPrice: string | null;
  /** Only ever reduces a position: exits, stops and targets. */
  readonly reduceOnly: boolean;
  /** The entry this stop or target protects; null otherwise. */
  readonly parentOrderId: string | null;
  readonly status: OrderStatus;
  readonly filledQuantity: string;
  readonly averageFillPrice: string | null;
  readonly venueOrderId: string | null;
  readonly rejectReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
};

export type Fill = {
  readonly id: string;
  readonly orderId: string;
  readonly accountId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: string;
  readonly price: string;
  /** In the quote currency. */
  readonly fee: string;
  readonly liquidity: "maker" | "taker";
  readonly filledAt: Date;
};
