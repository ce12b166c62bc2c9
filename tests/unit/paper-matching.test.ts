import { describe, expect, it } from "vitest";
import type { Order } from "../../src/domain/order.js";
import { dec } from "../../src/domain/decimal.js";
import { fillMarketableLimit, fillMarketOrder, onPrice, positionKey, type PaperMatchingConfig } from "../../src/execution/paper/index.js";
import { at, BTC, COARSE, ETH_PERP, makeOrder, sequentialIds } from "./paper-fixtures.js";

const CONFIG: PaperMatchingConfig = { slippageBps: "10", makerFeeBps: "2", takerFeeBps: "5" };
const NOW = at(1);

describe("market orders", () => {
  it("buys at the reference price slipped up, with the taker fee on the notional", () => {
    const order = makeOrder({ side: "buy", kind: "market", quantity: "0.5" });
    const { fills, order: filled } = fillMarketOrder(order, "20000", BTC, CONFIG, NOW, sequentialIds());
    // 20000 × 1.001 = 20020; fee 0.5 × 20020 × 0.0005 = 5.005
    expect(fills).toEqual([
      { id: "fil_1", orderId: "ord_1", accountId: "acc_1", strategyId: "stg_1", symbol: "BTC/USDT", side: "buy", quantity: "0.5", price: "20020", fee: "5.005", liquidity: "taker", filledAt: NOW },
    ]);
    expect(filled).toMatchObject({ status: "filled", filledQuantity: "0.5", averageFillPrice: "20020", updatedAt: NOW });
  });

  it("sells at the reference price slipped down", () => {
    const order = makeOrder({ side: "sell", kind: "market", quantity: "0.5" });
    const { fills, order: filled } = fillMarketOrder(order, "20000", BTC, CONFIG, NOW, sequentialIds());
    // 20000 × 0.999 = 19980; fee 9990 × 0.0005 = 4.995
    expect(fills[0]).toMatchObject({ price: "19980", fee: "4.995", quantity: "0.5" });
    expect(filled).toMatchObject({ status: "filled", averageFillPrice: "19980" });
  });

  it("puts the slipped price on the tick away from the taker, not to the nearest tick", () => {
    // 100.01 × 1.001 = 100.11001 → 100.12 (nearest would be 100.11); fee 100.12 × 0.0005 = 0.05006
    const buy = fillMarketOrder(makeOrder({ side: "buy", kind: "market", quantity: "1" }), "100.01", BTC, CONFIG, NOW, sequentialIds());
    expect(buy.fills[0]).toMatchObject({ price: "100.12", fee: "0.05006" });
    // 100.01 × 0.999 = 99.90999 → 99.90 (nearest would be 99.91); fee 99.9 × 0.0005 = 0.04995
    const sell = fillMarketOrder(makeOrder({ side: "sell", kind: "market", quantity: "1" }), "100.01", BTC, CONFIG, NOW, sequentialIds());
    expect(sell.fills[0]).toMatchObject({ price: "99.9", fee: "0.04995" });
  });

  it("rounds an off-tick reference against the taker even without slippage", () => {
    const noSlip = { ...CONFIG, slippageBps: "0" };
    expect(fillMarketOrder(makeOrder({ side: "buy", kind: "market", quantity: "1" }), "100.005", BTC, noSlip, NOW, sequentialIds()).fills[0]!.price).toBe("100.01");
    expect(fillMarketOrder(makeOrder({ side: "sell", kind: "market", quantity: "1" }), "100.005", BTC, noSlip, NOW, sequentialIds()).fills[0]!.price).toBe("100");
  });

  it("uses the contract size in the fee", () => {
    // 100 contracts × 0.01 × 2002 = 2002; fee × 0.0005 = 1.001
    const order = makeOrder({ symbol: ETH_PERP.symbol, side: "buy", kind: "market", quantity: "100" });
    expect(fillMarketOrder(order, "2000", ETH_PERP, CONFIG, NOW, sequentialIds()).fills[0]).toMatchObject({ price: "2002", fee: "1.001" });
  });

  it("fills fully even with a partial fill ratio", () => {
    const order = makeOrder({ side: "buy", kind: "market", quantity: "0.7" });
    const { fills, order: filled } = fillMarketOrder(order, "100", BTC, { ...CONFIG, partialFillRatio: "0.1" }, NOW, sequentialIds());
    expect(fills.map((f) => f.quantity)).toEqual(["0.7"]);
    expect(filled.status).toBe("filled");
  });

  it("refuses orders that are not working market orders", () => {
    const ids = sequentialIds();
    expect(() => fillMarketOrder(makeOrder({ side: "buy", kind: "limit", quantity: "1", limitPrice: "1" }), "1", BTC, CONFIG, NOW, ids)).toThrow(RangeError);
    expect(() => fillMarketOrder(makeOrder({ side: "buy", kind: "market", quantity: "1", status: "new" }), "1", BTC, CONFIG, NOW, ids)).toThrow(RangeError);
    expect(() => fillMarketOrder(makeOrder({ side: "buy", kind: "market", quantity: "1", status: "filled", filledQuantity: "1" }), "1", BTC, CONFIG, NOW, ids)).toThrow(RangeError);
    expect(() => fillMarketOrder(makeOrder({ side: "buy", kind: "market", quantity: "0.0015" }), "1", BTC, CONFIG, NOW, ids)).toThrow(RangeError);
  });

  it("refuses an unusable config", () => {
    const order = makeOrder({ side: "buy", kind: "market", quantity: "1" });
    for (const bad of [{ slippageBps: "-1" }, { slippageBps: "10000" }, { partialFillRatio: "0" }, { partialFillRatio: "1.5" }]) {
      expect(() => fillMarketOrder(order, "100", BTC, { ...CONFIG, ...bad }, NOW, sequentialIds())).toThrow(RangeError);
    }
  });
});

describe("limit orders", () => {
  const buy = makeOrder({ id: "ord_b", side: "buy", kind: "limit", quantity: "0.3", limitPrice: "19900" });
  const sell = makeOrder({ id: "ord_s", side: "sell", kind: "limit", quantity: "0.3", limitPrice: "20100" });

  it("do not fill while the price does not reach them", () => {
    const result = onPrice([buy, sell], "19900.01", BTC, CONFIG, NOW, sequentialIds());
    expect(result.fills).toEqual([]);
    expect(result.orders[0]).toBe(buy);
    expect(result.orders[1]).toBe(sell);
    expect(onPrice([sell], "20099.99", BTC, CONFIG, NOW, sequentialIds()).fills).toEqual([]);
  });

  it("buy fills at the limit price as maker when the price touches or goes below it", () => {
    // 0.3 × 19900 = 5970; × 0.0002 = 1.194
    for (const price of ["19900", "19850"]) {
      const result = onPrice([buy, sell], price, BTC, CONFIG, NOW, sequentialIds());
      expect(result.fills).toEqual([
        { id: "fil_1", orderId: "ord_b", accountId: "acc_1", strategyId: "stg_1", symbol: "BTC/USDT", side: "buy", quantity: "0.3", price: "19900", fee: "1.194", liquidity: "maker", filledAt: NOW },
      ]);
      expect(result.orders[0]).toMatchObject({ status: "filled", filledQuantity: "0.3", averageFillPrice: "19900" });
      expect(result.orders[1]).toBe(sell);
    }
  });

  it("sell fills at the limit price when the price reaches or passes it", () => {
    // 0.3 × 20100 = 6030; × 0.0002 = 1.206
    const result = onPrice([buy, sell], "20150", BTC, CONFIG, NOW, sequentialIds());
    expect(result.fills).toHaveLength(1);
    expect(result.fills[0]).toMatchObject({ orderId: "ord_s", side: "sell", price: "20100", fee: "1.206", liquidity: "maker" });
    expect(result.orders[0]).toBe(buy);
  });
});

describe("limit orders marketable on arrival", () => {
  it("buy at once at the slipped reference as a taker when the limit is above it", () => {
    const order = makeOrder({ side: "buy", kind: "limit", quantity: "0.5", limitPrice: "20100" });
    const match = fillMarketableLimit(order, "20000", BTC, CONFIG, NOW, sequentialIds());
    // 20000 × 1.001 = 20020, below the limit; fee 0.5 × 20020 × 0.0005 = 5.005 (taker)
    expect(match?.fills).toEqual([
      { id: "fil_1", orderId: "ord_1", accountId: "acc_1", strategyId: "stg_1", symbol: "BTC/USDT", side: "buy", quantity: "0.5", price: "20020", fee: "5.005", liquidity: "taker", filledAt: NOW },
    ]);
    expect(match?.order).toMatchObject({ status: "filled", averageFillPrice: "20020" });
  });

  it("never fill past the limit, however far the slippage would take the price", () => {
    const buy = fillMarketableLimit(makeOrder({ side: "buy", kind: "limit", quantity: "1", limitPrice: "20010" }), "20000", BTC, CONFIG, NOW, sequentialIds());
    expect(buy?.fills[0]).toMatchObject({ price: "20010", liquidity: "taker" });
    const sell = fillMarketableLimit(makeOrder({ side: "sell", kind: "limit", quantity: "1", limitPrice: "19990" }), "20000", BTC, CONFIG, NOW, sequentialIds());
    expect(sell?.fills[0]).toMatchObject({ price: "19990", liquidity: "taker" });
    const sellBelow = fillMarketableLimit(makeOrder({ side: "sell", kind: "limit", quantity: "1", limitPrice: "19000" }), "20000", BTC, CONFIG, NOW, sequentialIds());
    expect(sellBelow?.fills[0]).toMatchObject({ price: "19980" });
  });

  it("rest when the limit is at or behind the reference", () => {
    for (const [side, limitPrice] of [["buy", "20000"], ["buy", "19999"], ["sell", "20000"], ["sell", "20001"]] as const) {
      expect(fillMarketableLimit(makeOrder({ side, kind: "limit", quantity: "1", limitPrice }), "20000", BTC, CONFIG, NOW, sequentialIds())).toBeUndefined();
    }
  });

  it("refuse orders that are not working limit orders", () => {
    const ids = sequentialIds();
    expect(() => fillMarketableLimit(makeOrder({ side: "buy", kind: "market", quantity: "1" }), "1", BTC, CONFIG, NOW, ids)).toThrow(RangeError);
    expect(() => fillMarketableLimit(makeOrder({ side: "buy", kind: "limit", quantity: "1", limitPrice: "2", status: "cancelled" }), "1", BTC, CONFIG, NOW, ids)).toThrow(RangeError);
  });
});

describe("stop orders", () => {
  const buyStop = makeOrder({ id: "ord_bs", side: "buy", kind: "stop", quantity: "0.2", stopPrice: "20500" });
  const sellStop = makeOrder({ id: "ord_ss", side: "sell", kind: "stop", quantity: "0.2", stopPrice: "19500" });

  it("a buy stop triggers at or above its stop and fills like a market order", () => {
    expect(onPrice([buyStop], "20499.99", BTC, CONFIG, NOW, sequentialIds()).fills).toEqual([]);
    // 20600 × 1.001 = 20620.6; 0.2 × 20620.6 = 4124.12; × 0.0005 = 2.06206
    const above = onPrice([buyStop], "20600", BTC, CONFIG, NOW, sequentialIds());
    expect(above.fills[0]).toMatchObject({ side: "buy", quantity: "0.2", price: "20620.6", fee: "2.06206", liquidity: "taker" });
    expect(above.orders[0]).toMatchObject({ status: "filled", averageFillPrice: "20620.6" });
    // 20500 × 1.001 = 20520.5
    expect(onPrice([buyStop], "20500", BTC, CONFIG, NOW, sequentialIds()).fills[0]!.price).toBe("20520.5");
  });

  it("a sell stop triggers at or below its stop", () => {
    expect(onPrice([sellStop], "19500.01", BTC, CONFIG, NOW, sequentialIds()).fills).toEqual([]);
    // 19400 × 0.999 = 19380.6; 0.2 × 19380.6 = 3876.12; × 0.0005 = 1.93806
    expect(onPrice([sellStop], "19400", BTC, CONFIG, NOW, sequentialIds()).fills[0]).toMatchObject({ side: "sell", price: "19380.6", fee: "1.93806", liquidity: "taker" });
    // 19500 × 0.999 = 19480.5
    expect(onPrice([sellStop], "19500", BTC, CONFIG, NOW, sequentialIds()).fills[0]!.price).toBe("19480.5");
  });
});

describe("partial fills", () => {
  const config = { ...CONFIG, partialFillRatio: "0.5" };

  it("fill at most the ratio of the remainder per event, on the step, until the order is filled", () => {
    const ids = sequentialIds();
    let order: Order = makeOrder({ symbol: COARSE.symbol, side: "buy", kind: "limit", quantity: "1", limitPrice: "100" });
    const steps: [string, string, string][] = [];
    for (const price of ["99.5", "100.5", "99.5", "99.5", "99.5", "99.5"]) {
      const before = order;
      const result = onPrice([order], price, COARSE, config, NOW, ids);
      order = result.orders[0]!;
      if (result.fills.length === 0) expect(order).toBe(before);
      steps.push([result.fills[0]?.quantity ?? "-", order.filledQuantity, order.status]);
    }
    // 1 × 0.5; (no cross); 0.5 × 0.5 = 0.25 → 0.2; 0.3 × 0.5 → 0.1; 0.2 × 0.5 = 0.1 leaves 0.1; 0.1 × 0.5 → 0, so all of it
    expect(steps).toEqual([
      ["0.5", "0.5", "partially_filled"],
      ["-", "0.5", "partially_filled"],
      ["0.2", "0.7", "partially_filled"],
      ["0.1", "0.8", "partially_filled"],
      ["0.1", "0.9", "partially_filled"],
      ["0.1", "1", "filled"],
    ]);
    expect(order.averageFillPrice).toBe("100");
    // a filled order is no longer resting
    const after = onPrice([order], "99", COARSE, config, NOW, ids);
    expect(after.fills).toEqual([]);
    expect(after.orders[0]).toBe(order);
  });

  it("keep a triggered stop filling at later prices and average them exactly", () => {
    const ids = sequentialIds();
    let order: Order = makeOrder({ symbol: COARSE.symbol, side: "sell", kind: "stop", quantity: "1", stopPrice: "100" });
    const noSlip = { ...config, slippageBps: "0" };
    const seen: [string, string, string | null][] = [];
    for (const price of ["100.01", "99", "101", "98", "97", "102"]) {
      const result = onPrice([order], price, COARSE, noSlip, NOW, ids);
      order = result.orders[0]!;
      seen.push([result.fills.map((f) => `${f.quantity}@${f.price}`).join() || "-", order.filledQuantity, order.averageFillPrice]);
    }
    expect(seen).toEqual([
      ["-", "0", null],
      ["0.5@99", "0.5", "99"],
      // (49.5 + 20.2) / 0.7 = 99.571428571428571428571… → 18 places, half-even
      ["0.2@101", "0.7", "99.571428571428571429"],
      // (69.7 + 9.8) / 0.8
      ["0.1@98", "0.8", "99.375"],
      // (79.5 + 9.7) / 0.9 = 99.1111…
      ["0.1@97", "0.9", "99.111111111111111111"],
      // (89.2 + 10.2) / 1
      ["0.1@102", "1", "99.4"],
    ]);
    expect(order.status).toBe("filled");
  });
});

describe("orders a price event does not touch", () => {
  it("passes through other symbols, market orders and orders not working at the venue", () => {
    const orders = [
      makeOrder({ id: "o1", symbol: ETH_PERP.symbol, side: "buy", kind: "limit", quantity: "1", limitPrice: "2000" }),
      makeOrder({ id: "o2", side: "buy", kind: "market", quantity: "1" }),
      makeOrder({ id: "o3", side: "buy", kind: "limit", quantity: "1", limitPrice: "200", status: "new" }),
      makeOrder({ id: "o4", side: "buy", kind: "limit", quantity: "1", limitPrice: "200", status: "cancelled" }),
      makeOrder({ id: "o5", side: "buy", kind: "limit", quantity: "1", limitPrice: "200", status: "filled", filledQuantity: "1", averageFillPrice: "200" }),
    ];
    const result = onPrice(orders, "100", BTC, CONFIG, NOW, sequentialIds());
    expect(result.fills).toEqual([]);
    result.orders.forEach((o, i) => expect(o).toBe(orders[i]));
  });

  it("refuses a resting order priced off the tick", () => {
    const order = makeOrder({ side: "buy", kind: "limit", quantity: "1", limitPrice: "100.005" });
    expect(() => onPrice([order], "100", BTC, CONFIG, NOW, sequentialIds())).toThrow(RangeError);
  });

  it("numbers fills in input order", () => {
    const orders = [
      makeOrder({ id: "a", side: "buy", kind: "limit", quantity: "1", limitPrice: "101" }),
      makeOrder({ id: "b", side: "sell", kind: "stop", quantity: "1", stopPrice: "100" }),
      makeOrder({ id: "c", side: "buy", kind: "limit", quantity: "1", limitPrice: "99" }),
    ];
    const result = onPrice(orders, "100", BTC, CONFIG, NOW, sequentialIds());
    expect(result.fills.map((f) => [f.id, f.orderId])).toEqual([
      ["fil_1", "a"],
      ["fil_2", "b"],
    ]);
    expect(result.orders[2]).toBe(orders[2]);
  });
});

describe("reduce-only orders against the position they reduce", () => {
  const stop = (quantity: string) => makeOrder({ side: "sell", kind: "stop", quantity, stopPrice: "19000", reduceOnly: true, role: "stop_loss" });
  const held = (quantity: string) => new Map([[positionKey(stop("1")), dec(quantity)]]);

  it("fills at most the position, cancels the rest, and takes the fill off the position", () => {
    const positions = held("0.3");
    const result = onPrice([stop("1")], "18900", BTC, CONFIG, NOW, sequentialIds(), positions);
    expect(result.fills.map((f) => f.quantity)).toEqual(["0.3"]);
    expect(result.orders[0]).toMatchObject({ status: "cancelled", filledQuantity: "0.3" });
    expect(positions.get(positionKey(stop("1")))?.toFixed()).toBe("0");
  });

  it("cancels unfilled an order with nothing to reduce, and fills in full one the position covers", () => {
    expect(onPrice([stop("1")], "18900", BTC, CONFIG, NOW, sequentialIds(), held("0")).orders[0]).toMatchObject({ status: "cancelled", filledQuantity: "0" });
    expect(onPrice([stop("1")], "18900", BTC, CONFIG, NOW, sequentialIds(), held("-2")).fills).toEqual([]);
    const covered = onPrice([stop("0.5")], "18900", BTC, CONFIG, NOW, sequentialIds(), held("2"));
    expect(covered.orders[0]).toMatchObject({ status: "filled", filledQuantity: "0.5" });
  });

  it("cancels with the position every reduce-only order still working when the event closes it, partly filled or not", () => {
    // Half of what remains fills per event: the exit fills 0.5 of 1, then the stop the other 0.5 of the
    // position; the exit, partly filled, and the take-profit nothing reached are left with nothing to reduce.
    const exit = makeOrder({ id: "x", side: "sell", kind: "limit", quantity: "1", limitPrice: "18000", reduceOnly: true, role: "exit" });
    const target = makeOrder({ id: "t", side: "sell", kind: "limit", quantity: "1", limitPrice: "25000", reduceOnly: true, role: "take_profit" });
    const entry = makeOrder({ id: "e", side: "buy", kind: "limit", quantity: "1", limitPrice: "18000", role: "entry" });
    const result = onPrice([exit, { ...stop("1"), id: "s" }, target, entry], "18900", BTC, { ...CONFIG, partialFillRatio: "0.5" }, NOW, sequentialIds(), held("1"));
    expect(result.fills.map((f) => [f.orderId, f.quantity])).toEqual([
      ["x", "0.5"],
      ["s", "0.5"],
    ]);
    expect(result.orders.map((o) => [o.id, o.status, o.filledQuantity])).toEqual([
      ["x", "cancelled", "0.5"],
      ["s", "cancelled", "0.5"],
      ["t", "cancelled", "0"],
      ["e", "submitted", "0"],
    ]);
  });

  it("lets two orders crossed by one event reduce the position once between them", () => {
    const result = onPrice([stop("0.4"), stop("0.4")], "18900", BTC, CONFIG, NOW, sequentialIds(), held("0.5"));
    expect(result.fills.map((f) => f.quantity)).toEqual(["0.4", "0.1"]);
    expect(result.orders.map((o) => o.status)).toEqual(["filled", "cancelled"]);
  });
});
