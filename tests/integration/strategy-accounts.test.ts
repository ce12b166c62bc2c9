import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert, type ProcessedSignal } from "../helpers/trading.js";

// No slippage and a 20 bp taker fee: every amount below is computed by hand from the fill.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "20", PAPER_MAKER_FEE_BPS: "10", PAPER_STARTING_CASH: "10000" });
});
afterAll(() => t.close());

async function openAccount(id: string, startingCash: string): Promise<void> {
  const res = await t.http.post("/v1/accounts").set(t.auth()).send({ id, name: id, startingCash });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function account(id: string): Promise<Record<string, unknown>> {
  const res = await t.http.get(`/v1/accounts/${id}`).set(t.auth());
  expect(res.status).toBe(200);
  return res.body;
}

async function executed(s: CreatedStrategy, body: Record<string, unknown>): Promise<ProcessedSignal> {
  const done = await sendAlert(t, s, body);
  expect(done.result, JSON.stringify(done.result)).toMatchObject({ outcome: "EXECUTED" });
  return done;
}

const SHARED_UNTOUCHED = { cash: "10000", fees: "0", equity: "10000", realizedPnl: "0", openPositions: 0 };

describe("a strategy on its own paper account", () => {
  it("books fills on that account, and the shared account does not move", async () => {
    await openAccount("btc-desk", "2500");
    const s = await createStrategy(t, { accountId: "btc-desk", oppositeSignal: "close" });

    // Buy 0.005 BTC at 100000: notional 500, fee 1.
    const entry = await executed(s, { ticker: "BTCUSDT", action: "buy", quantity: "0.005", price: "100000" });
    expect(entry.trace.orders).toMatchObject([{ side: "buy", filledQuantity: "0.005", fills: [{ price: "100000", fee: "1" }] }]);
    const order = await t.http.get(`/v1/orders/${entry.trace.orders[0]?.id}`).set(t.auth());
    expect(order.body.accountId).toBe("btc-desk");
    expect(await account("btc-desk")).toMatchObject({ startingCash: "2500", cash: "1999", fees: "1", equity: "2499", unrealizedPnl: "0", openPositions: 1 });
    expect(await account("acc_paper")).toMatchObject(SHARED_UNTOUCHED);

    // Sell it at 101000: proceeds 505, fee 1.01, realized 5.
    await executed(s, { ticker: "BTCUSDT", action: "sell", quantity: "0.005", price: "101000" });
    expect(await account("btc-desk")).toMatchObject({ cash: "2502.99", fees: "2.01", equity: "2502.99", realizedPnl: "5", unrealizedPnl: "0", openPositions: 0 });
    expect(await account("acc_paper")).toMatchObject(SHARED_UNTOUCHED);
  });

  it("sizes from its own account's equity, not another strategy's", async () => {
    await openAccount("desk-small", "2500");
    await openAccount("desk-large", "5000");
    const sizing = { type: "percent_equity", percent: "10" };
    const small = await createStrategy(t, { accountId: "desk-small", sizing });
    const large = await createStrategy(t, { accountId: "desk-large", sizing });

    // 10 % of 2500 at 2000 is 0.125 ETH (fee 0.5); 10 % of 5000 is 0.25 ETH (fee 1).
    const a = await executed(small, { ticker: "ETHUSDT", action: "buy", price: "2000" });
    const b = await executed(large, { ticker: "ETHUSDT", action: "buy", price: "2000" });
    expect(a.trace.orders).toMatchObject([{ filledQuantity: "0.125", fills: [{ fee: "0.5" }] }]);
    expect(b.trace.orders).toMatchObject([{ filledQuantity: "0.25", fills: [{ fee: "1" }] }]);

    expect(await account("desk-small")).toMatchObject({ cash: "2249.5", fees: "0.5", equity: "2499.5", openPositions: 1 });
    expect(await account("desk-large")).toMatchObject({ cash: "4499", fees: "1", equity: "4999", openPositions: 1 });
    expect(await account("acc_paper")).toMatchObject(SHARED_UNTOUCHED);
  });
});

describe("a reversal sized from equity", () => {
  it("sizes its entry leg from the cash its exit leg just booked, in the same transaction", async () => {
    await openAccount("eth-desk", "5000");
    const s = await createStrategy(t, { accountId: "eth-desk", sizing: { type: "percent_equity", percent: "10" }, oppositeSignal: "reverse" });
    // The perpetual (ETHUSDT.P, ETH/USDT:USDT): a reversal's entry leg is a short, which a spot market
    // refuses (SPOT_SELL_EXCEEDS_HOLDINGS). Its contract size is 1 and its fees here are the env's, so
    // the cash arithmetic is the spot one; only the amount step differs (0.001, not 0.0001).
    // 10 % of 5000 at 2000: 0.25 ETH, fee 1; cash 4499.
    await executed(s, { ticker: "ETHUSDT.P", action: "buy", price: "2000" });
    // Exit: 0.25 sold at 2400 for 600, fee 1.2, so cash and equity are 5097.8 once flat. The entry is
    // 10 % of that: 509.78 / 2400 = 0.21240833... ETH, truncated to the 0.001 step. Sized on the
    // cash before the exit (4499, the position already closed) it would be 449.9 / 2400 → 0.187.
    const reverse = await executed(s, { ticker: "ETHUSDT.P", action: "sell", price: "2400" });
    expect(reverse.trace.orders.map((o: { role: string; filledQuantity: string }) => [o.role, o.filledQuantity])).toEqual([
      ["exit", "0.25"],
      ["entry", "0.212"],
    ]);
    // The entry's fee: 0.212 × 2400 = 508.8, × 0.2 % = 1.0176. Cash 5097.8 + 508.8 − 1.0176 = 5605.5824;
    // fees 1 + 1.2 + 1.0176 = 3.2176.
    expect(await account("eth-desk")).toMatchObject({ cash: "5605.5824", fees: "3.2176" });
  });
});

describe("a strategy naming an account that does not exist", () => {
  it("is not created: 422 ACCOUNT_UNKNOWN on the accountId field", async () => {
    const res = await t.http.post("/v1/strategies").set(t.auth()).send({ key: "orphan", name: "orphan", accountId: "no-such-desk" });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.body).toMatchObject({ code: "ACCOUNT_UNKNOWN", status: 422, errors: [{ path: "accountId", message: "no account with id 'no-such-desk'" }] });
    const listed = await t.http.get("/v1/strategies").set(t.auth());
    expect(listed.body.data.map((s: { key: string }) => s.key)).not.toContain("orphan");
  });

  it("is not patched onto it either, and the strategy keeps its account", async () => {
    await openAccount("desk-patch", "1000");
    const s = await createStrategy(t);
    const res = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ accountId: "no-such-desk", pyramiding: true });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.code).toBe("ACCOUNT_UNKNOWN");
    expect((await t.http.get(`/v1/strategies/${s.id}`).set(t.auth())).body).toMatchObject({ accountId: null, pyramiding: false });

    const moved = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ accountId: "desk-patch" });
    expect(moved.status).toBe(200);
    expect(moved.body.accountId).toBe("desk-patch");
    const back = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ accountId: null });
    expect(back.status).toBe(200);
    expect(back.body.accountId).toBeNull();
  });
});
