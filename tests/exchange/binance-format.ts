import type { Decimal } from "decimal.js";
import type { ExchangeOrder, ExchangeState, ExchangeTrade } from "./state.js";

const fixed = (d: Decimal) => d.toFixed(8);

/** A stop order's trigger, in the answers that carry one only for stop orders. */
const stopFields = (o: ExchangeOrder) => (o.stopPrice.gt(0) ? { stopPrice: fixed(o.stopPrice) } : {});

/** The order as GET /api/v3/order returns it. */
export function orderQueryBody(o: ExchangeOrder) {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: fixed(o.price),
    origQty: fixed(o.origQty),
    executedQty: fixed(o.executedQty),
    cummulativeQuoteQty: fixed(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce ?? "GTC",
    type: o.type,
    side: o.side,
    stopPrice: fixed(o.stopPrice),
    icebergQty: "0.00000000",
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.working,
    workingTime: o.workingTime,
    origQuoteOrderQty: "0.00000000",
    selfTradePreventionMode: "EXPIRE_MAKER",
  };
}

/** POST /api/v3/order with newOrderRespType=FULL (ccxt's default for spot). */
export function newOrderBody(o: ExchangeOrder, respType: string | null) {
  const ack = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time };
  if (respType === "ACK") return ack;
  const result = {
    ...ack,
    price: fixed(o.price),
    origQty: fixed(o.origQty),
    executedQty: fixed(o.executedQty),
    origQuoteOrderQty: "0.00000000",
    cummulativeQuoteQty: fixed(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce ?? "GTC",
    type: o.type,
    side: o.side,
    ...stopFields(o),
    workingTime: o.workingTime,
    selfTradePreventionMode: "EXPIRE_MAKER",
  };
  if (respType === "RESULT") return result;
  return {
    ...result,
    fills: o.fills.map((f) => ({
      price: fixed(f.price),
      qty: fixed(f.qty),
      commission: fixed(f.commission),
      commissionAsset: f.commissionAsset,
      tradeId: f.tradeId,
    })),
  };
}

/** DELETE /api/v3/order: clientOrderId is the cancel request's own id, origClientOrderId the order's. */
export function cancelBody(o: ExchangeOrder, cancelClientId: string) {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelClientId,
    transactTime: o.updateTime,
    price: fixed(o.price),
    origQty: fixed(o.origQty),
    executedQty: fixed(o.executedQty),
    origQuoteOrderQty: "0.00000000",
    cummulativeQuoteQty: fixed(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce ?? "GTC",
    type: o.type,
    side: o.side,
    ...stopFields(o),
    selfTradePreventionMode: "EXPIRE_MAKER",
  };
}

export function tradeBody(t: ExchangeTrade) {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    orderListId: -1,
    price: fixed(t.price),
    qty: fixed(t.qty),
    quoteQty: fixed(t.quoteQty),
    commission: fixed(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}

export function accountBody(state: ExchangeState, now: number) {
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: "0.00100000", taker: "0.00100000", buyer: "0.00000000", seller: "0.00000000" },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: now,
    accountType: "SPOT",
    balances: [...state.balances].map(([asset, b]) => ({ asset, free: fixed(b.free), locked: fixed(b.locked) })),
    permissions: ["SPOT"],
    uid: 1,
  };
}

export function ticker24hrBody(symbol: string, price: Decimal, now: number) {
  const p = fixed(price);
  return {
    symbol,
    priceChange: "0.00000000",
    priceChangePercent: "0.000",
    weightedAvgPrice: p,
    prevClosePrice: p,
    lastPrice: p,
    lastQty: "0.00000000",
    bidPrice: p,
    bidQty: "1.00000000",
    askPrice: p,
    askQty: "1.00000000",
    openPrice: p,
    highPrice: p,
    lowPrice: p,
    volume: "0.00000000",
    quoteVolume: "0.00000000",
    openTime: now - 86_400_000,
    closeTime: now,
    firstId: -1,
    lastId: -1,
    count: 0,
  };
}
