import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { apiKeyWithScopes, openPositionOf, ordersOf, placeOrder, setPrice, tradingStrategy } from "../helpers/manual-trading.js";
import type { CreatedStrategy } from "../helpers/strategies.js";

// No slippage and a 10 bp fee either side: every price and fee below is computed by hand.
let t: TestApp;
let pricer: CreatedStrategy;
beforeAll(async () => {
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "10", PAPER_MAKER_FEE_BPS: "10" });
  pricer = await tradingStrategy(t);
  await setPrice(t, pricer, "BTCUSDT", "100000");
  await setPrice(t, pricer, "ETHUSDT", "4000");
  // The perpetual, for the tests that sell from flat: a spot market cannot go short.
  await setPrice(t, pricer, "ETHUSDT.P", "4000");
});
afterAll(() => t.close());

describe("POST /v1/orders", () => {
  it("fills a manual market order at the last price, stores its decision and moves the position", async () => {
    const s = await tradingStrategy(t);
    const res = await placeOrder(t, { strategy: s.key, symbol: "BTC/USDT", side: "buy", quantity: "0.002" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.decision).toMatchObject({ outcome: "approved", reason: null, limit: null, detail: null, orderId: res.body.order.id });
    expect(res.body.decision.checks.map((c: { rule: string }) => c.rule)).toContain("tradingState");
    // 0.002 × 100000 = 200 notional; 10 bp of it is the fee.
    expect(res.body.order).toMatchObject({
      strategyId: s.id,
      signalId: null,
      leg: 0,
      role: "entry",
      kind: "market",
      side: "buy",
      reduceOnly: false,
      status: "filled",
      filledQuantity: "0.002",
      averageFillPrice: "100000",
      fills: [{ quantity: "0.002", price: "100000", fee: "0.2", liquidity: "taker", realizedPnl: "0" }],
    });
    expect(await openPositionOf(t, s, "BTC/USDT")).toMatchObject({ quantity: "0.002", averageEntryPrice: "100000", fees: "0.2" });

    const exit = await placeOrder(t, { strategy: s.id, symbol: "BTC/USDT", side: "sell", quantity: "0.0005", reduceOnly: true });
    expect(exit.status).toBe(201);
    expect(exit.body.order).toMatchObject({ role: "exit", reduceOnly: true, status: "filled", filledQuantity: "0.0005" });
    expect(await openPositionOf(t, s, "BTC/USDT")).toMatchObject({ quantity: "0.0015" });
    expect((await ordersOf(t, s)).map((o) => o.id)).toEqual([exit.body.order.id, res.body.order.id]);
  });

  it("places one order per Idempotency-Key: a replay answers 200 with the original order and decision", async () => {
    const s = await tradingStrategy(t);
    // A sell from flat opens a short, so on the perpetual: spot cannot go short (SPOT_SELL_EXCEEDS_HOLDINGS).
    // 0.05, 0.06 and 0.01 are all multiples of ETH/USDT:USDT's amount step 0.001.
    const body = { strategy: s.key, symbol: "ETH/USDT:USDT", side: "sell", quantity: "0.05" };
    const first = await placeOrder(t, body, { key: "rebalance-0001" });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await placeOrder(t, { ...body, quantity: "0.050" }, { key: "rebalance-0001" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const orders = await ordersOf(t, s);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: first.body.order.id, status: "filled" });
    expect(await openPositionOf(t, s, "ETH/USDT:USDT")).toMatchObject({ quantity: "-0.05" });

    // The key names that order: asking it for another one is a conflict, and nothing trades.
    const other = await placeOrder(t, { ...body, quantity: "0.06" }, { key: "rebalance-0001" });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe("CONFLICT");
    const asExit = await placeOrder(t, { ...body, side: "buy", reduceOnly: true }, { key: "rebalance-0001" });
    expect(asExit.status).toBe(409);
    // Without a key every request is a new order; a new key is a new order too.
    expect((await placeOrder(t, { ...body, quantity: "0.01" }, { key: "rebalance-0002" })).status).toBe(201);
    expect((await placeOrder(t, { ...body, quantity: "0.01" })).status).toBe(201);
    expect(await ordersOf(t, s)).toHaveLength(3);
  });

  it("places one order when the same key arrives several times at once", async () => {
    const s = await tradingStrategy(t);
    const body = { strategy: s.key, symbol: "BTC/USDT", side: "buy", quantity: "0.001" };
    const results = await Promise.all(Array.from({ length: 5 }, () => placeOrder(t, body, { key: "burst-0001" })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.order.id)).size).toBe(1);
    expect(await ordersOf(t, s)).toHaveLength(1);
    expect(await openPositionOf(t, s, "BTC/USDT")).toMatchObject({ quantity: "0.001" });
  });

  it("answers a risk denial with 200 and the decision as data, and places nothing", async () => {
    const s = await tradingStrategy(t);
    // No price was ever seen for SOL: the engine fails closed.
    const unpriced = await placeOrder(t, { strategy: s.key, symbol: "SOL/USDT", side: "buy", quantity: "1" }, { key: "sol-1" });
    expect(unpriced.status).toBe(200);
    expect(unpriced.body).toMatchObject({
      order: null,
      decision: { outcome: "denied", reason: "REFERENCE_PRICE_MISSING", orderId: null, detail: expect.stringContaining("reference price") },
    });
    // A limit price off BTC/USDT's 0.01 tick.
    const offTick = await placeOrder(t, { strategy: s.key, symbol: "BTC/USDT", side: "buy", kind: "limit", quantity: "0.001", limitPrice: "99000.005" });
    expect(offTick.body).toMatchObject({ order: null, decision: { outcome: "denied", reason: "PRICE_OFF_TICK" } });
    const unknown = await placeOrder(t, { strategy: s.key, symbol: "AVAX/USDT", side: "buy", quantity: "1" });
    expect(unknown.body).toMatchObject({ order: null, decision: { outcome: "denied", reason: "UNKNOWN_MARKET" } });
    expect(await ordersOf(t, s)).toEqual([]);
    expect((await t.http.get("/v1/positions").query({ strategy: s.id }).set(t.auth())).body.data).toEqual([]);

    // A denial placed nothing, so its key may be retried once the price is known.
    await setPrice(t, pricer, "SOLUSDT", "200");
    const retried = await placeOrder(t, { strategy: s.key, symbol: "SOL/USDT", side: "buy", quantity: "1" }, { key: "sol-1" });
    expect(retried.status).toBe(201);
    expect(retried.body.order).toMatchObject({ status: "filled", averageFillPrice: "200" });
  });

  it("denies a spot sell that the account's resting sells have already promised the holdings to", async () => {
    const s = await tradingStrategy(t);
    await setPrice(t, pricer, "XRPUSDT", "2");
    const buy = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", quantity: "30" });
    expect(buy.body.order).toMatchObject({ status: "filled", filledQuantity: "30" });
    // A sell limit above the market rests, and holds 20 of the 30 for itself, as an exchange locks them.
    const resting = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "sell", kind: "limit", quantity: "20", limitPrice: "2.05" });
    expect(resting.body.order).toMatchObject({ status: "submitted", reduceOnly: false });
    const over = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "sell", quantity: "20" });
    expect(over.body).toMatchObject({ order: null, decision: { outcome: "denied", reason: "SPOT_SELL_EXCEEDS_HOLDINGS", limit: "held=10" } });
    const within = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "sell", quantity: "10" });
    expect(within.body.order).toMatchObject({ status: "filled", filledQuantity: "10" });
    expect(await openPositionOf(t, s, "XRP/USDT")).toMatchObject({ quantity: "20" });
  });

  it("resizes an order above maxOrderNotional down, and says so on the decision", async () => {
    const s = await tradingStrategy(t);
    const res = await placeOrder(t, { strategy: s.key, symbol: "BTC/USDT", side: "buy", quantity: "0.02" });
    expect(res.status).toBe(201);
    expect(res.body.decision).toMatchObject({ outcome: "resized", reason: "MAX_ORDER_NOTIONAL", limit: "maxOrderNotional=1000" });
    expect(res.body.order).toMatchObject({ quantity: "0.01", filledQuantity: "0.01" });
  });

  it("places an entry's stop-loss and take-profit once it fills, and refuses protective prices on the wrong side", async () => {
    const s = await tradingStrategy(t);
    const wrong = await placeOrder(t, { strategy: s.key, symbol: "ETH/USDT", side: "buy", quantity: "0.01", stopLoss: "4100", takeProfit: "4200.001" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([
      { path: "stopLoss", message: "must be below the entry price 4000 of a buy" },
      { path: "takeProfit", message: "must be a multiple of ETH/USDT's price step 0.01" },
    ]);
    const res = await placeOrder(t, { strategy: s.key, symbol: "ETH/USDT", side: "buy", quantity: "0.01", stopLoss: "3900", takeProfit: "4200" });
    expect(res.status).toBe(201);
    const protection = (await ordersOf(t, s)).filter((o) => o.parentOrderId === res.body.order.id);
    expect(protection.map((o) => [o.role, o.kind, o.side, o.quantity, o.stopPrice ?? o.limitPrice, o.status]).sort()).toEqual([
      ["stop_loss", "stop", "sell", "0.01", "3900", "submitted"],
      ["take_profit", "limit", "sell", "0.01", "4200", "submitted"],
    ]);
  });

  it("validates the body, and knows no unknown strategy", async () => {
    const s = await tradingStrategy(t);
    const bad = await placeOrder(t, { strategy: s.key, symbol: "btcusdt", side: "hold", kind: "limit", quantity: "-1", reduceOnly: true, stopLoss: "1", extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("VALIDATION_FAILED");
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["extra", "quantity", "side", "symbol"]);
    const noLimit = await placeOrder(t, { strategy: s.key, symbol: "BTC/USDT", side: "buy", kind: "limit", quantity: "0.001", reduceOnly: true, stopLoss: "1" });
    expect(noLimit.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["limitPrice", "stopLoss"]);
    const badKey = await placeOrder(t, { strategy: s.key, symbol: "BTC/USDT", side: "buy", quantity: "0.001" }, { key: "has space" });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors[0].path).toBe("header.idempotency-key");
    const missing = await placeOrder(t, { strategy: "no-such-strategy", symbol: "BTC/USDT", side: "buy", quantity: "0.001" });
    expect(missing.status).toBe(404);
    expect(await ordersOf(t, s)).toEqual([]);
  });

  it("needs the write scope", async () => {
    const s = await tradingStrategy(t);
    const body = { strategy: s.key, symbol: "BTC/USDT", side: "buy", quantity: "0.001" };
    expect((await t.http.post("/v1/orders").send(body)).status).toBe(401);
    expect((await placeOrder(t, body, { apiKey: await apiKeyWithScopes(t, ["read"]) })).status).toBe(403);
    expect((await placeOrder(t, body, { apiKey: await apiKeyWithScopes(t, ["write"]) })).status).toBe(201);
  });
});

describe("POST /v1/orders/{id}/cancel", () => {
  it("cancels a resting limit order; a second cancel, a filled order and an unknown one are refused", async () => {
    const s = await tradingStrategy(t);
    const limit = await placeOrder(t, { strategy: s.key, symbol: "BTC/USDT", side: "buy", kind: "limit", quantity: "0.001", limitPrice: "99000" });
    expect(limit.status).toBe(201);
    expect(limit.body.order).toMatchObject({ status: "submitted", limitPrice: "99000", filledQuantity: "0" });
    const cancel = await t.http.post(`/v1/orders/${limit.body.order.id}/cancel`).set(t.auth());
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ id: limit.body.order.id, status: "cancelled", filledQuantity: "0", fills: [] });
    // A price through the limit no longer fills it.
    await setPrice(t, pricer, "BTCUSDT", "98900");
    expect((await t.http.get(`/v1/orders/${limit.body.order.id}`).set(t.auth())).body.status).toBe("cancelled");
    await setPrice(t, pricer, "BTCUSDT", "100000");

    const again = await t.http.post(`/v1/orders/${limit.body.order.id}/cancel`).set(t.auth());
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("CONFLICT");
    const market = await placeOrder(t, { strategy: s.key, symbol: "BTC/USDT", side: "buy", quantity: "0.001" });
    const filled = await t.http.post(`/v1/orders/${market.body.order.id}/cancel`).set(t.auth());
    expect(filled.status).toBe(409);
    expect(filled.body.detail).toContain("filled");
    expect((await t.http.post("/v1/orders/ord_nope/cancel").set(t.auth())).status).toBe(404);
  });

  it("cancels whatever the trading state, and needs the write scope", async () => {
    const s = await tradingStrategy(t);
    // A resting sell from flat would open a short: on the perpetual, as spot cannot go short. 4100 is on its 0.01 tick.
    const limit = await placeOrder(t, { strategy: s.key, symbol: "ETH/USDT:USDT", side: "sell", kind: "limit", quantity: "0.01", limitPrice: "4100" });
    expect(limit.status, JSON.stringify(limit.body)).toBe(201);
    expect(limit.body.order.status).toBe("submitted");
    const path = `/v1/orders/${limit.body.order.id}/cancel`;
    expect((await t.http.post(path)).status).toBe(401);
    expect((await t.http.post(path).set(t.auth(await apiKeyWithScopes(t, ["read"])))).status).toBe(403);
    // HALTED leaves nothing working to cancel (the halt cancels it); REDUCING refuses new risk but not cancels.
    await t.http.put(`/v1/strategies/${s.id}/trading-state`).set(t.auth()).send({ state: "REDUCING", reason: "wind down" });
    const cancelled = await t.http.post(path).set(t.auth(await apiKeyWithScopes(t, ["write"])));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
  });
});
