import { binance, okx } from "ccxt";
import { describe, expect, it } from "vitest";
import { nativeProtectionSupport, protectionLevel, stopLimitPrice } from "../../src/execution/live/stop-limit.js";

const BINANCE_SPOT_TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"];
const spot = (orderTypes?: string[]) => ({ spot: true, info: orderTypes ? { orderTypes } : {} });
const features = (createOrder: Record<string, unknown>, trigger = false) => ({
  features: { spot: { createOrder, fetchOrder: { trigger }, fetchOpenOrders: { trigger } } },
  has: {},
});

describe("a native stop-limit's limit price", () => {
  it("lies the offset below a sell's trigger, rounded down to the tick", () => {
    expect(stopLimitPrice({ side: "sell", trigger: "2900", offsetBps: "50", priceStep: "0.01" })).toBe("2885.5");
    // 49999.99 × 0.995 = 49749.99005: down to the tick, never up.
    expect(stopLimitPrice({ side: "sell", trigger: "49999.99", offsetBps: "50", priceStep: "0.01" })).toBe("49749.99");
    expect(stopLimitPrice({ side: "sell", trigger: "3200", offsetBps: "12.5", priceStep: "0.5" })).toBe("3196");
  });

  it("lies the offset above a buy's trigger, rounded up to the tick", () => {
    expect(stopLimitPrice({ side: "buy", trigger: "3100", offsetBps: "50", priceStep: "0.01" })).toBe("3115.5");
    // 100.01 × 1.005 = 100.51005: up to the tick.
    expect(stopLimitPrice({ side: "buy", trigger: "100.01", offsetBps: "50", priceStep: "0.01" })).toBe("100.52");
  });

  it("is the trigger itself without an offset", () => {
    expect(stopLimitPrice({ side: "sell", trigger: "2900.37", offsetBps: "0", priceStep: "0.01" })).toBe("2900.37");
    expect(stopLimitPrice({ side: "buy", trigger: "2900.37", offsetBps: "0", priceStep: "0.01" })).toBe("2900.37");
  });

  it("never reaches zero for a sell, however large the offset: one tick at least", () => {
    expect(stopLimitPrice({ side: "sell", trigger: "0.05", offsetBps: "10000", priceStep: "0.01" })).toBe("0.01");
    expect(stopLimitPrice({ side: "sell", trigger: "0.05", offsetBps: "25000", priceStep: "0.01" })).toBe("0.01");
    expect(stopLimitPrice({ side: "sell", trigger: "0.0123", offsetBps: "9990", priceStep: "0.0001" })).toBe("0.0001");
  });
});

describe("whether ccxt says a market takes native stops and targets", () => {
  it("binance spot: both, where the market lists the stop-limit types", () => {
    const ex = new binance();
    expect(nativeProtectionSupport(ex, spot(BINANCE_SPOT_TYPES))).toEqual({ stop_loss: true, take_profit: true });
    // A market that does not list them (ccxt would refuse the order before sending it).
    expect(nativeProtectionSupport(ex, spot(["LIMIT", "LIMIT_MAKER", "MARKET"]))).toEqual({ stop_loss: false, take_profit: false });
    expect(nativeProtectionSupport(ex, spot(["LIMIT", "MARKET", "STOP_LOSS_LIMIT"]))).toEqual({ stop_loss: true, take_profit: false });
  });

  it("not where stop orders live apart from ordinary ones (ccxt needs a trigger flag to fetch them), as on okx", () => {
    expect(nativeProtectionSupport(new okx(), spot())).toEqual({ stop_loss: false, take_profit: false });
    expect(nativeProtectionSupport(features({ stopLossPrice: true, takeProfitPrice: true }, true), spot())).toEqual({ stop_loss: false, take_profit: false });
  });

  it("reads createOrder's stopLossPrice and takeProfitPrice features, each on its own", () => {
    expect(nativeProtectionSupport(features({ stopLossPrice: true, takeProfitPrice: false }), spot())).toEqual({ stop_loss: true, take_profit: false });
    expect(nativeProtectionSupport(features({ stopLossPrice: undefined, takeProfitPrice: true }), spot())).toEqual({ stop_loss: false, take_profit: true });
  });

  it("falls back to `has` when the exchange declares no features", () => {
    expect(nativeProtectionSupport({ has: { createStopLossOrder: true, createTakeProfitOrder: false } }, spot())).toEqual({ stop_loss: true, take_profit: false });
    expect(nativeProtectionSupport({ has: {} }, spot())).toEqual({ stop_loss: false, take_profit: false });
  });

  it("none on a derivative market or an unknown one", () => {
    const ex = features({ stopLossPrice: true, takeProfitPrice: true });
    expect(nativeProtectionSupport(ex, { spot: false, info: {} })).toEqual({ stop_loss: false, take_profit: false });
    expect(nativeProtectionSupport(ex, undefined)).toEqual({ stop_loss: false, take_profit: false });
  });
});

describe("the level a stored protection order protects at", () => {
  it("a stop's stop price, a target's limit price", () => {
    expect(protectionLevel({ role: "stop_loss", stopPrice: "2900", limitPrice: null })).toBe("2900");
    expect(protectionLevel({ role: "take_profit", stopPrice: null, limitPrice: "3200" })).toBe("3200");
  });
});
