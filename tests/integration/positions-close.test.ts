import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { apiKeyWithScopes, openPositionOf, ordersOf, placeOrder, setPrice, tradingStrategy } from "../helpers/manual-trading.js";
import type { CreatedStrategy } from "../helpers/strategies.js";

// No slippage and a 10 bp taker fee: every fill, fee and PnL below is computed by hand.
let t: TestApp;
let pricer: CreatedStrategy;
beforeAll(async () => {
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "10", PAPER_MAKER_FEE_BPS: "10" });
  pricer = await tradingStrategy(t);
});
afterAll(() => t.close());

const close = (id: string, apiKey?: string) => t.http.post(`/v1/positions/${id}/close`).set(t.auth(apiKey));

async function open(s: CreatedStrategy, body: Record<string, unknown>) {
  const res = await placeOrder(t, { strategy: s.key, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.order.status).toBe("filled");
  return res.body.order as { id: string };
}

describe("POST /v1/positions/{id}/close", () => {
  it("closes a long at the last price and realizes exactly the hand-computed PnL", async () => {
    const s = await tradingStrategy(t);
    await setPrice(t, pricer, "BTCUSDT", "100000");
    await open(s, { symbol: "BTC/USDT", side: "buy", quantity: "0.008" });
    await setPrice(t, pricer, "BTCUSDT", "101250.5");
    const position = await openPositionOf(t, s, "BTC/USDT");
    expect(position).toMatchObject({ quantity: "0.008", unrealizedPnl: "10.004" });

    const res = await close(position.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.decision).toMatchObject({ outcome: "approved", reason: null, orderId: res.body.order.id });
    // Sell 0.008 at 101250.5: fee 0.0010 × 810.004 = 0.810004.
    expect(res.body.order).toMatchObject({
      role: "exit",
      side: "sell",
      kind: "market",
      reduceOnly: true,
      signalId: null,
      quantity: "0.008",
      status: "filled",
      fills: [{ quantity: "0.008", price: "101250.5", fee: "0.810004", realizedPnl: "10.004" }],
    });
    // (101250.5 − 100000) × 0.008 = 10.004 realized; fees 0.8 (entry: 10 bp of 800) + 0.810004 (exit).
    expect(res.body.position).toMatchObject({
      id: position.id,
      status: "closed",
      side: "flat",
      quantity: "0",
      realizedPnl: "10.004",
      fees: "1.610004",
      unrealizedPnl: "0",
      closedAt: expect.any(String),
    });
  });

  it("closes a short with a buy, at a loss", async () => {
    const s = await tradingStrategy(t);
    // The short is opened on the perpetual: spot cannot go short (SPOT_SELL_EXCEEDS_HOLDINGS). 0.1 is a
    // multiple of ETH/USDT:USDT's 0.001 amount step and 4012.34 of its 0.01 price step; the paper fee is
    // the 10 bp of PAPER_TAKER_FEE_BPS whatever the market, so the numbers are those of spot.
    await setPrice(t, pricer, "ETHUSDT.P", "4000");
    await open(s, { symbol: "ETH/USDT:USDT", side: "sell", quantity: "0.1" });
    await setPrice(t, pricer, "ETHUSDT.P", "4012.34");
    const res = await close((await openPositionOf(t, s, "ETH/USDT:USDT")).id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.order).toMatchObject({ side: "buy", quantity: "0.1", averageFillPrice: "4012.34" });
    // −0.1 × (4012.34 − 4000) = −1.234; fees 10 bp of 400 (0.4) + 10 bp of 401.234 (0.401234).
    expect(res.body.position).toMatchObject({ symbol: "ETH/USDT:USDT", status: "closed", realizedPnl: "-1.234", fees: "0.801234" });
  });

  it("cancels the position's stop-loss and take-profit once it is flat", async () => {
    const s = await tradingStrategy(t);
    await setPrice(t, pricer, "SOLUSDT", "200");
    const entry = await open(s, { symbol: "SOL/USDT", side: "buy", quantity: "2", stopLoss: "190", takeProfit: "220" });
    const res = await close((await openPositionOf(t, s, "SOL/USDT")).id);
    expect(res.status).toBe(200);
    const protection = (await ordersOf(t, s)).filter((o) => o.parentOrderId === entry.id);
    expect(protection.map((o) => [o.role, o.status]).sort()).toEqual([
      ["stop_loss", "cancelled"],
      ["take_profit", "cancelled"],
    ]);
  });

  it("closes while REDUCING; while HALTED the risk engine denies it, as data, and nothing trades", async () => {
    const s = await tradingStrategy(t);
    await setPrice(t, pricer, "BTCUSDT", "100000");
    await open(s, { symbol: "BTC/USDT", side: "buy", quantity: "0.001" });
    // Priced before the buy: no earlier test prices ETH/USDT spot any more (the short is on the perpetual).
    await setPrice(t, pricer, "ETHUSDT", "4000");
    await open(s, { symbol: "ETH/USDT", side: "buy", quantity: "0.01" });
    const state = (state: string) => t.http.put(`/v1/strategies/${s.id}/trading-state`).set(t.auth()).send({ state, reason: "test" });

    expect((await state("REDUCING")).status).toBe(200);
    const reducing = await close((await openPositionOf(t, s, "BTC/USDT")).id);
    expect(reducing.body).toMatchObject({ decision: { outcome: "approved" }, order: { status: "filled" }, position: { status: "closed" } });

    expect((await state("HALTED")).status).toBe(200);
    const before = await ordersOf(t, s);
    const eth = await openPositionOf(t, s, "ETH/USDT");
    const halted = await close(eth.id);
    expect(halted.status).toBe(200);
    expect(halted.body).toMatchObject({
      decision: { outcome: "denied", reason: "TRADING_HALTED", limit: "tradingState.strategy=HALTED", orderId: null },
      order: null,
      position: { id: eth.id, status: "open", quantity: "0.01" },
    });
    expect(await ordersOf(t, s)).toEqual(before);
    await state("ACTIVE");
  });

  it("answers 409 for a closed position, 404 for an unknown one, and needs the write scope", async () => {
    const s = await tradingStrategy(t);
    await setPrice(t, pricer, "BTCUSDT", "100000");
    await open(s, { symbol: "BTC/USDT", side: "buy", quantity: "0.001" });
    const position = await openPositionOf(t, s, "BTC/USDT");
    expect((await t.http.post(`/v1/positions/${position.id}/close`)).status).toBe(401);
    expect((await close(position.id, await apiKeyWithScopes(t, ["read"]))).status).toBe(403);
    expect((await close(position.id, await apiKeyWithScopes(t, ["write"]))).status).toBe(200);
    const again = await close(position.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("CONFLICT");
    expect((await close("pos_nope")).status).toBe(404);
    // One entry and one exit: the refused closes placed nothing.
    expect((await ordersOf(t, s)).map((o) => o.role)).toEqual(["exit", "entry"]);
  });

  it("places one order when the same position is closed twice at once", async () => {
    const s = await tradingStrategy(t);
    await setPrice(t, pricer, "ETHUSDT", "4000");
    await open(s, { symbol: "ETH/USDT", side: "buy", quantity: "0.02" });
    const position = await openPositionOf(t, s, "ETH/USDT");
    const [a, b] = await Promise.all([close(position.id), close(position.id)]);
    const statuses = [a.status, b.status].sort();
    // The second either finds the first's order (200, the same order) or the position already closed (409).
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    if (statuses[1] === 200) expect(a.body.order.id).toBe(b.body.order.id);
    expect((await ordersOf(t, s)).filter((o) => o.role === "exit")).toHaveLength(1);
  });
});
