import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestExchange, type TestExchange } from "../exchange/server.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
// After the harness: it loads the app (and zod's OpenAPI extension) first, as the gateway does.
import type { Db } from "../../src/db/client.js";
import { placeLiveOrder } from "../../src/execution/live/place-live-order.js";
import { RiskLimitsSchema } from "../../src/risk/limits.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { waitForExchangeAccounts, waitProcessed } from "../helpers/trading.js";

// Issue 4, "Kill switch: after the PUT returns, no new order reaches the venue", for a live order
// whose POST is still on the wire when HALTED is set: the PUT waits for it, then cancels what it
// left working (or the fill it made is booked before the PUT returns), and nothing arrives later.
const KEY = "race-itest-key-3b9d2f7a61";
const SECRET = "race-itest-secret-8c4e1a0f95d2";
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: null };
const ORDER_POST = { method: "POST", path: "/api/v3/order" };

let exchange: TestExchange;
let t: TestApp;
beforeAll(async () => {
  // Native stops, for the entry whose stop a halt overtakes (the other tests place none).
  exchange = await startTestExchange({ apiKey: KEY, secret: SECRET, balances: { USDT: "100000" }, prices: { BTCUSDT: "50000" }, stopOrders: "native" });
  t = await startTestApp({
    EXCHANGE_ACCOUNTS: JSON.stringify([{ id: "bn", name: "bn", exchange: "binance", apiKeyEnv: "K", secretEnv: "S", sandbox: false, marketType: "spot", apiBaseUrl: exchange.url }]),
    K: KEY, S: SECRET, EXCHANGE_TIMEOUT_MS: "5000", EXCHANGE_RECV_WINDOW_MS: "5000", EXCHANGE_RECONCILE_MS: "0", EXCHANGE_PROTECTION_POLL_MS: "0",
  });
  await waitForExchangeAccounts(t, ["bn"]);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await exchange?.close();
});
// Each test halts one scope; the next starts from ACTIVE everywhere.
afterEach(async () => {
  exchange.faults.clear();
  for (const path of ["/v1/trading-state", "/v1/accounts/bn/trading-state"]) await t.http.put(path).set(t.auth()).send({ state: "ACTIVE", reason: "next test" });
});

const orderPosts = () => exchange.requests().filter((r) => r.method === ORDER_POST.method && r.path === ORDER_POST.path);
const halt = (path: string) => t.http.put(path).set(t.auth()).send({ state: "HALTED", reason: "kill" });

/** Sends an alert whose order POST the exchange holds for 1.5 s, and answers once that POST is on the wire. */
async function alertOnTheWire(s: CreatedStrategy, body: Record<string, unknown>): Promise<string> {
  exchange.faults.latency(1500, { match: ORDER_POST });
  const posts = orderPosts().length;
  const res = await t.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "BTCUSDT", ...body }));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  for (const deadline = Date.now() + 10_000; orderPosts().length === posts; await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() > deadline) throw new Error("the order POST never reached the exchange");
  }
  return res.body.id as string;
}

/** The exchange's orders as they stand, by client order id. */
const snapshot = () => exchange.orders().map((o) => ({ clientOrderId: o.clientOrderId, status: o.status }));

describe("PUT HALTED while a live order is on the wire", () => {
  it("global: a resting limit order is cancelled at the exchange before the PUT returns, and nothing reaches it after", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const before = exchange.orders().length;
    const id = await alertOnTheWire(s, { action: "buy", quantity: "0.001", price: "45000", type: "limit" });

    const res = await halt("/v1/trading-state");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const atReturn = snapshot().slice(before);
    expect(atReturn).toEqual([{ clientOrderId: expect.any(String), status: "CANCELED" }]);

    const done = await waitProcessed(t, id);
    expect(snapshot().slice(before)).toEqual(atReturn);
    expect(done.trace.orders).toMatchObject([{ kind: "limit", status: "cancelled", filledQuantity: "0" }]);
    expect(done.trace.positions).toEqual([]);
  });

  it("account: a market order that filled on the way is booked before the PUT returns, and nothing reaches the exchange after", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const before = exchange.orders().length;
    const id = await alertOnTheWire(s, { action: "buy", quantity: "0.001", price: "50000" });

    const res = await halt("/v1/accounts/bn/trading-state");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const atReturn = snapshot().slice(before);
    expect(atReturn).toEqual([{ clientOrderId: expect.any(String), status: "FILLED" }]);
    // Recorded truthfully by the time the PUT answered: the fill and the position it opened.
    const orders = (await t.http.get("/v1/orders").query({ strategy: s.id }).set(t.auth())).body.data as Array<{ clientOrderId: string; status: string }>;
    expect(orders).toMatchObject([{ clientOrderId: atReturn[0]?.clientOrderId, status: "filled" }]);

    const done = await waitProcessed(t, id);
    expect(snapshot().slice(before)).toEqual(atReturn);
    expect(done.trace.positions).toMatchObject([{ quantity: "0.001", status: "open" }]);
  });

  it("strategy: a resting limit order is cancelled at the exchange; the account's other strategies are untouched", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const before = exchange.orders().length;
    const id = await alertOnTheWire(s, { action: "buy", quantity: "0.001", price: "45000", type: "limit" });

    const res = await halt(`/v1/strategies/${s.id}/trading-state`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const atReturn = snapshot().slice(before);
    expect(atReturn).toEqual([{ clientOrderId: expect.any(String), status: "CANCELED" }]);
    await waitProcessed(t, id);
    expect(snapshot().slice(before)).toEqual(atReturn);
    const state = (await t.http.get("/v1/accounts/bn/trading-state").set(t.auth())).body;
    expect(state).toMatchObject({ state: "ACTIVE" });
  });
});

describe("a live order on the wire", () => {
  it("holds up no webhook: another strategy's alert is committed and answered while the POST is still out", async () => {
    const live = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const paper = await createStrategy(t, { riskLimits: OPEN_LIMITS });
    const before = exchange.orders().length;
    const id = await alertOnTheWire(live, { action: "buy", quantity: "0.001", price: "45000", type: "limit" });
    const res = await t.http.post(paper.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "3000" }));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    // The exchange creates the order only when the held POST completes: it has not yet.
    expect(exchange.orders().length).toBe(before);
    await waitProcessed(t, id);
    expect(exchange.orders().length).toBe(before + 1);
  });
});

/**
 * Places a BTC/USDT market buy of 0.001 on bn through the live path, with the global HALTED set
 * right after the path's `haltAfter`-th transaction commits; answers the result and how many
 * transactions the path ran.
 */
async function placeHaltedAfter(haltAfter: number, s: CreatedStrategy, extra: { manualKey: string; stopLoss?: string }) {
  const venue = t.services.liveVenues.venueOf("bn");
  if (!venue) throw new Error("no venue for bn");
  const markets = await venue.loadMarkets();
  const rules = markets.ok ? markets.value.get("BTC/USDT") : undefined;
  let transactions = 0;
  const haltingDb = new Proxy(t.services.database.db, {
    get(target, prop, receiver) {
      if (prop !== "transaction") return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<Db["transaction"]>) => {
        const result = await target.transaction(...args);
        if (++transactions === haltAfter) expect((await halt("/v1/trading-state")).status).toBe(200);
        return result;
      };
    },
  });
  const placed = await placeLiveOrder({ db: haltingDb, clock: t.services.clock, ids: t.services.ids, logger: t.logs.logger }, venue, {
    accountId: "bn", strategyId: s.id, symbol: "BTC/USDT", side: "buy", kind: "market", quantity: "0.001", reduceOnly: false, role: "entry",
    origin: { manualKey: `${extra.manualKey}-${Date.now()}` }, leg: 0, limits: RiskLimitsSchema.parse(OPEN_LIMITS), reference: { price: "50000", observedAt: new Date() },
    stopLoss: extra.stopLoss,
  }, rules);
  return { placed, transactions };
}

describe("HALTED committed between an order's intent and its send", () => {
  it("the intent is cancelled TRADING_HALTED and never sent", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const posts = orderPosts().length;
    // The halt lands right after the intent's transaction (the first) commits, before the send.
    const { placed, transactions } = await placeHaltedAfter(1, s, { manualKey: "halt-before-send" });
    expect(transactions).toBe(2);
    expect(placed.order).toMatchObject({ status: "cancelled", rejectReason: "TRADING_HALTED" });
    expect(orderPosts().length).toBe(posts);
    expect(exchange.orders().filter((o) => o.clientOrderId === placed.order?.clientOrderId)).toEqual([]);
  });
});

describe("HALTED committed between an entry's fill and its native stop's send", () => {
  it("the stop is cancelled TRADING_HALTED and never reaches the exchange, as the halt cancels the stops the gateway holds", async () => {
    const s = await createStrategy(t, { mode: "live", accountId: "bn", riskLimits: OPEN_LIMITS });
    const posts = orderPosts().length;
    // The intent commits (1), the send and its booking with the entry's stop intent (2); the halt lands then.
    const { placed } = await placeHaltedAfter(2, s, { manualKey: "halt-before-stop", stopLoss: "45000" });
    expect(placed.order).toMatchObject({ status: "filled", filledQuantity: "0.001" });
    // Only the entry's POST reached the exchange: no STOP_LOSS_LIMIT after the halt.
    expect(orderPosts().slice(posts).map((r) => new URLSearchParams(r.body !== "" ? r.body : r.query).get("type"))).toEqual(["MARKET"]);
    const orders = (await t.http.get("/v1/orders").query({ strategy: s.id }).set(t.auth())).body.data as Array<{ role: string; status: string; rejectReason: string | null; clientOrderId: string }>;
    const stop = orders.find((o) => o.role === "stop_loss");
    expect(stop).toMatchObject({ status: "cancelled", rejectReason: "TRADING_HALTED" });
    expect(exchange.orders().filter((o) => o.clientOrderId === stop?.clientOrderId)).toEqual([]);
  });
});
