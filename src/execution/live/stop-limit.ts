import { bps, dec, plain } from "../../domain/decimal.js";

export const PROTECTION_ROLES = ["stop_loss", "take_profit"] as const;
export type ProtectionRole = (typeof PROTECTION_ROLES)[number];

export type ProtectionSupport = Readonly<Record<ProtectionRole, boolean>>;

export const NO_NATIVE_PROTECTION: ProtectionSupport = { stop_loss: false, take_profit: false };

/** The Binance spot order type each role becomes; an exchange that lists its order types must list these. */
const LISTED_TYPE: Readonly<Record<ProtectionRole, string>> = { stop_loss: "STOP_LOSS_LIMIT", take_profit: "TAKE_PROFIT_LIMIT" };

type Flags = Record<string, unknown> | undefined;
const flags = (value: unknown): Flags => (value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined);

/**
 * Whether ccxt says a spot market takes native stop-loss and take-profit orders: its `features`
 * (createOrder's stopLossPrice / takeProfitPrice), else `has` (createStopLossOrder /
 * createTakeProfitOrder). Only where stop orders are ordinary orders (ccxt needs no `trigger` flag
 * to fetch them), so the look-up by client order id after an ambiguous failure, and the open-order
 * list, see them; and, where the market lists its order types (Binance's `orderTypes`, which ccxt
 * checks before sending), only the listed ones. Derivative markets stay engine-managed.
 */
export function nativeProtectionSupport(
  exchange: { features?: unknown; has: Record<string, unknown> },
  market: { spot?: boolean; info?: unknown } | undefined,
): ProtectionSupport {
  if (market?.spot !== true) return NO_NATIVE_PROTECTION;
  const spot = flags(flags(exchange.features)?.["spot"]);
  const create = flags(spot?.["createOrder"]);
  if (flags(spot?.["fetchOrder"])?.["trigger"] === true || flags(spot?.["fetchOpenOrders"])?.["trigger"] === true) return NO_NATIVE_PROTECTION;
  const listed = flags(market.info)?.["orderTypes"];
  const support = (role: ProtectionRole, feature: string, has: string) => {
    const said = create ? create[feature] === true : exchange.has[has] === true;
    return said && (!Array.isArray(listed) || listed.includes(LISTED_TYPE[role]));
  };
  return {
    stop_loss: support("stop_loss", "stopLossPrice", "createStopLossOrder"),
    take_profit: support("take_profit", "takeProfitPrice", "createTakeProfitOrder"),
  };
}

/**
 * The limit price of a native stop-limit: its trigger moved against the order by the slippage
 * allowance, so a market that runs a little past the trigger still fills. A sell's limit lies
 * below the trigger, rounded down to the tick, and never reaches zero (one tick at least); a buy's
 * lies above, rounded up. Both roles alike: once triggered, a take-profit is an exit too.
 */
export function stopLimitPrice(input: { side: "buy" | "sell"; trigger: string; offsetBps: string; priceStep: string }): string {
  const step = dec(input.priceStep);
  const trigger = dec(input.trigger);
  const offset = trigger.mul(bps(input.offsetBps));
  if (input.side === "buy") return plain(trigger.plus(offset).div(step).ceil().mul(step));
  const limit = trigger.minus(offset).div(step).floor().mul(step);
  return plain(limit.gt(0) ? limit : step);
}

/** The level a stored protection order protects at: a stop's stop price, a target's limit price. */
export function protectionLevel(order: { role: string; stopPrice: string | null; limitPrice: string | null }): string | null {
  return order.role === "stop_loss" ? order.stopPrice : order.limitPrice;
}

export const isProtectionRole = (role: string): role is ProtectionRole => (PROTECTION_ROLES as readonly string[]).includes(role);
