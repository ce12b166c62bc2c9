import { Decimal } from "decimal.js";
import {
  duplicateOrder,
  filterFailure,
  insufficientBalance,
  invalidSymbol,
  mandatoryParam,
  orderDoesNotExist,
  BinanceError,
} from "./binance-errors.js";
import type { MarketSpec } from "./markets.js";

export type OrderStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED";

/** Still in the book (or waiting to trigger): nothing or part of it filled. */
export const isOpenOrder = (order: { status: OrderStatus }): boolean => order.status === "NEW" || order.status === "PARTIALLY_FILLED";
export type Side = "BUY" | "SELL";
export type OrderType = "MARKET" | "LIMIT" | "STOP_LOSS_LIMIT" | "TAKE_PROFIT_LIMIT";
type StopType = Extract<OrderType, "STOP_LOSS_LIMIT" | "TAKE_PROFIT_LIMIT">;

/**
 * Binance spot's STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT: "native" takes them; "none" neither lists
 * them in exchangeInfo nor takes them (-1116); "refused" lists them but answers -1116, an exchange
 * whose listing promises more than its matching engine takes.
 */
export type StopOrderSupport = "native" | "none" | "refused";

export type Fill = { price: Decimal; qty: Decimal; commission: Decimal; commissionAsset: string; tradeId: number };

export type ExchangeOrder = {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: "GTC" | undefined;
  price: Decimal;
  /** A stop order's trigger; 0 for the others. */
  stopPrice: Decimal;
  /** False while a stop order waits for its trigger; then it rests (or fills) as a limit at `price`. */
  working: boolean;
  workingTime: number;
  origQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  status: OrderStatus;
  time: number;
  updateTime: number;
  fills: Fill[];
};

export type ExchangeTrade = {
  id: number;
  orderId: number;
  symbol: string;
  price: Decimal;
  qty: Decimal;
  quoteQty: Decimal;
  commission: Decimal;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
};

export type Balance = { free: Decimal; locked: Decimal };

export type NewOrderInput = {
  symbol: string;
  side: Side;
  type: string;
  quantity: string | null;
  quoteOrderQty: string | null;
  price: string | null;
  stopPrice: string | null;
  timeInForce: string | null;
  newClientOrderId: string | null;
};

const isMultiple = (value: Decimal, step: string) => value.mod(step).isZero();

/** Balances, orders and trades of one account, matched against a last price per symbol (no book). */
export class ExchangeState {
  readonly markets = new Map<string, MarketSpec>();
  readonly prices = new Map<string, Decimal>();
  readonly balances = new Map<string, Balance>();
  readonly orders: ExchangeOrder[] = [];
  readonly trades: ExchangeTrade[] = [];
  private nextOrderId = 1;
  private nextTradeId = 1;

  constructor(
    markets: readonly MarketSpec[],
    balances: Readonly<Record<string, string>>,
    prices: Readonly<Record<string, string>>,
    private readonly now: () => number,
    private readonly commissionRate: Decimal,
    private readonly stopOrders: StopOrderSupport = "none",
  ) {
    for (const m of markets) this.markets.set(m.symbol, m);
    for (const [asset, free] of Object.entries(balances)) this.balances.set(asset, { free: new Decimal(free), locked: new Decimal(0) });
    for (const [symbol, price] of Object.entries(prices)) this.prices.set(symbol, new Decimal(price));
  }

  market(symbol: string | null): MarketSpec {
    if (symbol === null) throw mandatoryParam("symbol");
    const m = this.markets.get(symbol);
    if (!m) throw invalidSymbol();
    return m;
  }

  price(symbol: string): Decimal {
    const p = this.prices.get(symbol);
    if (!p) throw new BinanceError(-1112, "No orders on book for symbol.");
    return p;
  }

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (!b) {
      b = { free: new Decimal(0), locked: new Decimal(0) };
      this.balances.set(asset, b);
    }
    return b;
  }

  placeOrder(input: NewOrderInput): ExchangeOrder {
    const m = this.market(input.symbol);
    if (input.side !== "BUY" && input.side !== "SELL") throw new BinanceError(-1117, "Invalid side.");
    const type = this.orderType(input.type);
    const clientOrderId = input.newClientOrderId ?? `test-${this.nextOrderId}`;
    if (this.orders.some((o) => isOpenOrder(o) && o.clientOrderId === clientOrderId)) throw duplicateOrder();
    const last = this.price(m.symbol);

    let qty: Decimal;
    if (input.quantity !== null) {
      qty = new Decimal(input.quantity);
    } else if (type === "MARKET" && input.quoteOrderQty !== null) {
      qty = new Decimal(input.quoteOrderQty).div(last).toNearest(m.stepSize, Decimal.ROUND_DOWN);
    } else {
      throw mandatoryParam("quantity");
    }
    if (qty.lt(m.minQty) || qty.gt(m.maxQty) || !isMultiple(qty, m.stepSize)) throw filterFailure("LOT_SIZE");

    let limit: Decimal | undefined;
    if (type !== "MARKET") {
      if (input.price === null) throw mandatoryParam("price");
      limit = onPriceFilter(m, input.price);
    }
    let stop: Decimal | undefined;
    if (isStopType(type)) {
      if (input.timeInForce === null) throw mandatoryParam("timeInForce");
      if (input.stopPrice === null) throw mandatoryParam("stopPrice");
      stop = onPriceFilter(m, input.stopPrice);
      // The stop must lie on the far side of the market: one the last price already crosses is refused.
      if (stopTriggered(type, input.side, stop, last)) throw new BinanceError(-2010, "Order would immediately trigger.");
    }
    if (qty.mul(limit ?? last).lt(m.minNotional)) throw filterFailure("NOTIONAL");

    // Funds a resting (or waiting) order would lock; a market buy needs its cost at the current price.
    const needAsset = input.side === "BUY" ? m.quoteAsset : m.baseAsset;
    const need = input.side === "BUY" ? qty.mul(limit ?? last) : qty;
    const funds = this.balance(needAsset);
    if (funds.free.lt(need)) throw insufficientBalance();

    const t = this.now();
    const order: ExchangeOrder = {
      orderId: this.nextOrderId++,
      clientOrderId,
      symbol: m.symbol,
      side: input.side,
      type,
      timeInForce: type === "MARKET" ? undefined : "GTC",
      price: limit ?? new Decimal(0),
      stopPrice: stop ?? new Decimal(0),
      working: stop === undefined,
      workingTime: stop === undefined ? t : -1,
      origQty: qty,
      executedQty: new Decimal(0),
      cummulativeQuoteQty: new Decimal(0),
      status: "NEW",
      time: t,
      updateTime: t,
      fills: [],
    };
    this.orders.push(order);
    if (type === "MARKET" || crosses(order, last)) {
      this.fill(order, last, false);
    } else {
      funds.free = funds.free.minus(need);
      funds.locked = funds.locked.plus(need);
    }
    return order;
  }

  private orderType(type: string): OrderType {
    if (type === "MARKET" || type === "LIMIT") return type;
    if ((type === "STOP_LOSS_LIMIT" || type === "TAKE_PROFIT_LIMIT") && this.stopOrders === "native") return type;
    throw new BinanceError(-1116, "Invalid orderType.");
  }

  /** Whether exchangeInfo lists the stop-limit types for ccxt (which refuses unlisted types itself). */
  listsStopOrders(): boolean {
    return this.stopOrders !== "none";
  }

  find(symbol: string, orderId: string | null, origClientOrderId: string | null): ExchangeOrder | undefined {
    if (orderId === null && origClientOrderId === null) {
      throw new BinanceError(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    const matches = this.orders.filter(
      (o) =>
        o.symbol === symbol &&
        (orderId === null || String(o.orderId) === orderId) &&
        (origClientOrderId === null || o.clientOrderId === origClientOrderId),
    );
    // A client id may be reused once its order is closed; the newest order wins, as on Binance.
    return matches.at(-1);
  }

  query(symbol: string, orderId: string | null, origClientOrderId: string | null): ExchangeOrder {
    const order = this.find(symbol, orderId, origClientOrderId);
    if (!order) throw orderDoesNotExist();
    return order;
  }

  cancel(order: ExchangeOrder): void {
    this.unlock(order);
    order.status = "CANCELED";
    order.updateTime = this.now();
  }

  /**
   * Moves the last price. A waiting stop order it crosses triggers and enters the book as a limit
   * at its price: at once filled at the new price (taking) when that limit is marketable, resting
   * otherwise. A resting limit the price crosses fills at its own price (making).
   */
  setPrice(symbol: string, price: string): void {
    this.market(symbol);
    const p = new Decimal(price);
    this.prices.set(symbol, p);
    for (const order of this.orders) {
      if (order.symbol !== symbol || !isOpenOrder(order)) continue;
      if (!order.working) {
        if (!isStopType(order.type) || !stopTriggered(order.type, order.side, order.stopPrice, p)) continue;
        order.working = true;
        order.workingTime = this.now();
        order.updateTime = order.workingTime;
        if (crosses(order, p)) {
          this.unlock(order);
          this.fill(order, p, false);
        }
      } else if (crosses(order, p)) {
        this.unlock(order);
        this.fill(order, order.price, true);
      }
    }
  }

  /**
   * Fills part of a resting limit at its own price (a maker), as a market that trades through it
   * only in part would: the order stays in the book, PARTIALLY_FILLED, for the rest.
   */
  fillPart(clientOrderId: string, quantity: string): void {
    const order = this.orders.find((o) => o.clientOrderId === clientOrderId && isOpenOrder(o) && o.working && o.type === "LIMIT");
    if (!order) throw new Error(`no resting limit order ${clientOrderId}`);
    const qty = new Decimal(quantity);
    if (!qty.gt(0) || !qty.lt(remainingOf(order))) throw new Error(`a part fill must be above 0 and below the remainder ${remainingOf(order).toFixed()}`);
    this.unlock(order, qty);
    this.fill(order, order.price, true, qty);
  }

  /** Releases what a resting order locks for `qty` of it (by default, all it has left). */
  private unlock(order: ExchangeOrder, qty: Decimal = remainingOf(order)): void {
    const m = this.market(order.symbol);
    const amount = order.side === "BUY" ? qty.mul(order.price) : qty;
    const b = this.balance(order.side === "BUY" ? m.quoteAsset : m.baseAsset);
    b.locked = b.locked.minus(amount);
    b.free = b.free.plus(amount);
  }

  /** Fills `qty` of the order (by default, all it has left) at `price`. */
  private fill(order: ExchangeOrder, price: Decimal, isMaker: boolean, qty: Decimal = remainingOf(order)): void {
    const m = this.market(order.symbol);
    const quoteQty = qty.mul(price);
    const base = this.balance(m.baseAsset);
    const quote = this.balance(m.quoteAsset);
    // Binance takes the commission from the asset received.
    const commissionAsset = order.side === "BUY" ? m.baseAsset : m.quoteAsset;
    const commission = (order.side === "BUY" ? qty : quoteQty).mul(this.commissionRate);
    if (order.side === "BUY") {
      quote.free = quote.free.minus(quoteQty);
      base.free = base.free.plus(qty).minus(commission);
    } else {
      base.free = base.free.minus(qty);
      quote.free = quote.free.plus(quoteQty).minus(commission);
    }
    const t = this.now();
    const tradeId = this.nextTradeId++;
    this.trades.push({
      id: tradeId,
      orderId: order.orderId,
      symbol: order.symbol,
      price,
      qty,
      quoteQty,
      commission,
      commissionAsset,
      time: t,
      isBuyer: order.side === "BUY",
      isMaker,
    });
    order.fills.push({ price, qty, commission, commissionAsset, tradeId });
    order.executedQty = order.executedQty.plus(qty);
    order.cummulativeQuoteQty = order.cummulativeQuoteQty.plus(quoteQty);
    order.status = order.executedQty.eq(order.origQty) ? "FILLED" : "PARTIALLY_FILLED";
    order.updateTime = t;
  }
}

function remainingOf(order: ExchangeOrder): Decimal {
  return order.origQty.minus(order.executedQty);
}

function crosses(order: ExchangeOrder, price: Decimal): boolean {
  if (order.type === "MARKET" || !order.working) return false;
  return order.side === "BUY" ? price.lte(order.price) : price.gte(order.price);
}

function isStopType(type: OrderType): type is StopType {
  return type === "STOP_LOSS_LIMIT" || type === "TAKE_PROFIT_LIMIT";
}

/** Binance spot: a stop-loss sells at or below its stop (buys at or above); a take-profit the other way. */
function stopTriggered(type: StopType, side: Side, stop: Decimal, price: Decimal): boolean {
  const below = (type === "STOP_LOSS_LIMIT") === (side === "SELL");
  return below ? price.lte(stop) : price.gte(stop);
}

function onPriceFilter(m: MarketSpec, text: string): Decimal {
  const price = new Decimal(text);
  if (price.lt(m.minPrice) || price.gt(m.maxPrice) || !isMultiple(price, m.tickSize)) throw filterFailure("PRICE_FILTER");
  return price;
}
