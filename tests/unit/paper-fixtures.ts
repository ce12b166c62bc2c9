import type { MarketRules } from "../../src/domain/market.js";
import { btcSpot } from "../helpers/markets.js";
import type { Fill, Order, OrderSide } from "../../src/domain/order.js";

/** Markets, fills and orders for the position, account and paper matching tests. */

export const BTC: MarketRules = btcSpot();

/** A linear perpetual whose contract is 0.01 ETH. */
export const ETH_PERP: MarketRules = {
  symbol: "ETH/USDT:USDT",
  base: "ETH",
  quote: "USDT",
  kind: "swap",
  contractSize: "0.01",
  amountStep: "1",
  priceStep: "0.05",
  makerFeeBps: "2",
  takerFeeBps: "5",
};

/** Coarse amount step, so partial fills run out in a few events. */
export const COARSE: MarketRules = {
  symbol: "SOL/USDT",
  base: "SOL",
  quote: "USDT",
  kind: "spot",
  contractSize: "1",
  amountStep: "0.1",
  priceStep: "0.01",
  makerFeeBps: "10",
  takerFeeBps: "10",
};

export const T0 = new Date("2025-01-01T00:00:00Z");

export function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

export function makeFill(overrides: Partial<Fill> & Pick<Fill, "side" | "quantity" | "price">): Fill {
  return {
    id: "fil_1",
    orderId: "ord_1",
    accountId: "acc_1",
    strategyId: "stg_1",
    symbol: BTC.symbol,
    fee: "0",
    liquidity: "taker",
    filledAt: T0,
    ...overrides,
  };
}

export function makeOrder(overrides: Partial<Order> & { side: OrderSide; kind: Order["kind"]; quantity: string }): Order {
  return {
    id: "ord_1",
    clientOrderId: "cli_1",
    accountId: "acc_1",
    strategyId: "stg_1",
    signalId: null,
    symbol: BTC.symbol,
    role: "entry",
    limitPrice: null,
    stopPrice: null,
    reduceOnly: false,
    parentOrderId: null,
    status: "submitted",
    filledQuantity: "0",
    averageFillPrice: null,
    venueOrderId: null,
    rejectReason: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** fil_1, fil_2, …: deterministic fill ids. */
export function sequentialIds(): (prefix: "fil") => string {
  let n = 0;
  return (prefix) => `${prefix}_${++n}`;
}
