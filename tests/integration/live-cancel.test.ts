import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestExchange, type TestExchange } from "../exchange/server.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { waitForExchangeAccounts, waitProcessed } from "../helpers/trading.js";

// Cancels on exchange accounts: POST /v1/orders/{id}/cancel and a later signal's supersede cancel
// the order at the exchange, and our books follow what the exchange answered. Marking it cancelled
// in our books alone would leave it working there, free to fill unseen while the gateway's position
// drifts from the exchange's. Also here, on the same exchange: the quote-currency denial.
const KEY = "cancel-itest-key-6f2a9c1d84";
const SECRET = "cancel-itest-secret-1b7e4d0a93c5";
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: null };
const ORDER = { path: "/api/v3/order" };

let exchange: TestExchange;
let t: TestApp;
beforeAll(async () => {
  exchange = await startTestExchange({ apiKey: KEY, secret: SECRET, balances: { USDT: "100000", USDC: "50000" }, prices: { BTCUSDT: "50000" } });
  t = await startTestApp({
    // bn-usdc: the same exchange, with its ledger kept in USDC (for the quote-currency denial below).
    EXCHANGE_ACCOUNTS: JSON.stringify([
      { id: "bn", name: "bn", exchange: "binance", apiKeyEnv: "K", secretEnv: "S", sandbox: false, marketType: "spot", apiBaseUrl: exchange.url },
      { id: "bn-usdc", name: "bn-usdc", exchange: "binance", currency: "USDC", apiKeyEnv: "K", secretEnv: "S", sandbox: false, marketType: "spot", apiBaseUrl: exchange.url },
    ]),
    K: KEY, S: SECRET, EXCHANGE_TIMEOUT_MS: "5000", EXCHANGE_RECV_WINDOW_MS: "5000", EXCHANGE_RECONCILE_MS: "0", EXCHANGE_PROTECTION_POLL_MS: "0",
  });
  await waitForExchangeAccounts(t, ["bn", "bn-usdc"]);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await exchange?.close();
});
afterEach(() => exchange.faults.clear());

const cancel = (id: string) => t.http.post(`/v1/orders/${id}/cancel`).set(t.auth());
const atExchange = (clientOrderId: string) => exchange.orders().filter((o) => o.clientOrderId === clientOrderId).map((o) => o.status);
const deletes = () => exchange.requests().filter((r) => r.method === "DELETE" && r.path === ORDER.path).length;

async function restingLimitBuy(s: CreatedStrategy): Promise<{ id: string; clientOrderId: string }> {
  const res = await t.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "45000", type: "limit" }));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const done = await waitProcessed(t, res.body.id as string);
  expect(done.trace.orders).toMatchObject([{ kind: "limit", status: "submitted", filledQuantity: "0" }]);
  const order = (await t.http.get(`/v1/orders/${done.trace.orders[0]?.id}`).set(t.auth())).body as { id: string; clientOrderId: string };
  expect(atExchange(order.clientOrderId)).toEqual(["NEW"]);
  return order;
}

describe("cancelling an order that works at an exchange", () => {
  it("cancels it at the exchange, then in our books as the exchange answered", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const order = await restingLimitBuy(s);
    const res = await cancel(order.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: order.id, status: "cancelled", filledQuantity: "0" });
    expect(atExchange(order.clientOrderId)).toEqual(["CANCELED"]);
    // Cancelled once: a second cancel is a 409, and asks the exchange nothing.
    const sent = deletes();
    expect((await cancel(order.id)).status).toBe(409);
    expect(deletes()).toBe(sent);
  });

  it("a partly filled entry cancelled there gets its stop-loss and take-profit for the part it filled", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const body = { ticker: "BTCUSDT", action: "buy", quantity: "0.002", price: "45000", type: "limit", sl: "44000", tp: "47000" };
    const res = await t.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify(body));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const placed = await waitProcessed(t, res.body.id as string);
    const entry = (await t.http.get(`/v1/orders/${placed.trace.orders[0]?.id}`).set(t.auth())).body as { id: string; clientOrderId: string };
    exchange.fillPart(entry.clientOrderId, "0.0008");
    const cancelled = await cancel(entry.id);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", filledQuantity: "0.0008" });
    expect(atExchange(entry.clientOrderId)).toEqual(["CANCELED"]);
    const after = await waitProcessed(t, placed.id);
    const [position] = after.trace.positions;
    expect(position).toMatchObject({ status: "open" });
    // Held by the gateway (this exchange takes no stop orders), for what the position holds.
    const protection = after.trace.orders.filter((o) => o.role !== "entry").map((o) => [o.role, o.status, o.quantity]);
    expect(protection).toEqual([
      ["stop_loss", "submitted", position?.quantity],
      ["take_profit", "submitted", position?.quantity],
    ]);
  });

  it("answers 503 and changes nothing when the exchange does not cancel it now; a later cancel goes through", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const order = await restingLimitBuy(s);
    exchange.faults.serverError(503, { times: 20, match: { method: "DELETE", path: ORDER.path } });
    const refused = await cancel(order.id);
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.body).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect((await t.http.get(`/v1/orders/${order.id}`).set(t.auth())).body).toMatchObject({ status: "submitted" });
    expect(atExchange(order.clientOrderId)).toEqual(["NEW"]);

    exchange.faults.clear();
    const res = await cancel(order.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(atExchange(order.clientOrderId)).toEqual(["CANCELED"]);
  });

  it("refuses (409) to cancel an order still on its way to the exchange, whose outcome is not known yet", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    exchange.faults.latency(1500, { match: { method: "POST", path: ORDER.path } });
    const res = await t.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "45000", type: "limit" }));
    expect(res.status).toBe(202);
    let onTheWire: { id: string; status: string } | undefined;
    for (const deadline = Date.now() + 10_000; !onTheWire; await new Promise((r) => setTimeout(r, 5))) {
      if (Date.now() > deadline) throw new Error("the order intent never appeared");
      const listed = (await t.http.get("/v1/orders").query({ strategy: s.id }).set(t.auth())).body.data as Array<{ id: string; status: string }>;
      onTheWire = listed.find((o) => o.status === "new");
    }
    const refused = await cancel(onTheWire.id);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.detail).toContain("on its way to its exchange");
    const done = await waitProcessed(t, res.body.id as string);
    // Once its outcome is known it is working, and can be cancelled.
    expect(done.trace.orders).toMatchObject([{ id: onTheWire.id, status: "submitted" }]);
    expect((await cancel(onTheWire.id)).status).toBe(200);
  });
});

describe("a later signal supersedes a live strategy's entry still working at the exchange", () => {
  const notesOf = (done: { result: Record<string, unknown> }) => (done.result.notes ?? []) as Array<{ code: string; detail: string }>;
  const alert = async (s: CreatedStrategy, body: Record<string, unknown>) => {
    const res = await t.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "BTCUSDT", ...body }));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return waitProcessed(t, res.body.id as string);
  };

  it("close: the resting limit buy is cancelled at the exchange, as the paper venue cancels its own", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const entry = await restingLimitBuy(s);
    const close = await alert(s, { action: "exit_long", price: "50000" });
    expect(close.result).toMatchObject({ outcome: "NO_ACTION", reason: "NO_POSITION_TO_CLOSE" });
    expect(notesOf(close)).toMatchObject([{ code: "ENTRY_ORDER_CANCELLED_BY_SIGNAL" }]);
    expect(notesOf(close)[0]?.detail).toContain(entry.id);
    expect(atExchange(entry.clientOrderId)).toEqual(["CANCELED"]);
    expect((await t.http.get(`/v1/orders/${entry.id}`).set(t.auth())).body).toMatchObject({ status: "cancelled", rejectReason: "ENTRY_ORDER_CANCELLED_BY_SIGNAL" });
  });

  it("an entry the exchange does not cancel now is noted on the trace as one that may still fill", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const entry = await restingLimitBuy(s);
    exchange.faults.serverError(503, { times: 20, match: { method: "DELETE", path: ORDER.path } });
    const close = await alert(s, { action: "exit_long", price: "50000" });
    expect(notesOf(close)).toMatchObject([{ code: "ENTRY_ORDER_NOT_CANCELLED" }]);
    expect(notesOf(close)[0]?.detail).toContain("may still fill");
    expect(atExchange(entry.clientOrderId)).toEqual(["NEW"]);
    expect((await t.http.get(`/v1/orders/${entry.id}`).set(t.auth())).body).toMatchObject({ status: "submitted" });
  });
});

describe("cancelling an order that already filled at the exchange, unbeknown to our books", () => {
  it("books the fill the exchange reports and answers 409: the order is filled, and the position is there", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const order = await restingLimitBuy(s);
    // The market falls through the limit: it fills at the exchange; reconciliation is off, so our books still say submitted.
    exchange.setPrice("BTCUSDT", "44000");
    try {
      expect(atExchange(order.clientOrderId)).toEqual(["FILLED"]);
      expect((await t.http.get(`/v1/orders/${order.id}`).set(t.auth())).body).toMatchObject({ status: "submitted" });
      const res = await cancel(order.id);
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.detail).toContain("filled");
      expect((await t.http.get(`/v1/orders/${order.id}`).set(t.auth())).body).toMatchObject({ status: "filled", filledQuantity: "0.001" });
      const open = (await t.http.get("/v1/positions").query({ strategy: s.id, status: "open" }).set(t.auth())).body.data;
      expect(open).toMatchObject([{ symbol: "BTC/USDT", quantity: "0.001" }]);
    } finally {
      exchange.setPrice("BTCUSDT", "50000");
    }
  });
});

describe("a spot buy on an account whose ledger is in another currency than the market's quote", () => {
  it("is denied SPOT_QUOTE_NOT_ACCOUNT_CURRENCY and never reaches the exchange: the ledger holds no USDT to pay with", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn-usdc", riskLimits: OPEN_LIMITS });
    const posts = exchange.requests().filter((r) => r.method === "POST" && r.path === ORDER.path).length;
    const res = await t.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "50000" }));
    expect(res.status).toBe(202);
    const done = await waitProcessed(t, res.body.id as string);
    expect(done.result).toMatchObject({ outcome: "DENIED", legs: [{ outcome: "denied", reason: "SPOT_QUOTE_NOT_ACCOUNT_CURRENCY" }] });
    expect(done.trace.decisions).toMatchObject([{ outcome: "denied", reason: "SPOT_QUOTE_NOT_ACCOUNT_CURRENCY", limit: "currency=USDC", orderId: null }]);
    expect(done.trace.orders).toEqual([]);
    expect(exchange.requests().filter((r) => r.method === "POST" && r.path === ORDER.path).length).toBe(posts);
  });
});
