import { binance } from "ccxt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCcxtVenue, type CcxtVenueOptions, type SubmitOrderInput } from "../../src/execution/live/index.js";
import { startTestExchange, type RecordedRequest, type TestExchange } from "../exchange/server.js";

const API_KEY = "itest-api-key-7f3a9c1e5b";
const SECRET = "itest-secret-d41d8cd98f00b204";
const ORDER_POST = { method: "POST", path: "/api/v3/order" } as const;

let exchange: TestExchange;
let nowMs: number;
let waits: number[];

beforeEach(async () => {
  exchange = await startTestExchange({
    apiKey: API_KEY,
    secret: SECRET,
    balances: { USDT: "10000", BTC: "0.5" },
    prices: { BTCUSDT: "50000", ETHUSDT: "3000" },
  });
  nowMs = Date.parse("2025-06-01T00:00:00Z");
  waits = [];
});
afterEach(() => exchange.close());

function client(overrides: { secret?: string; timeout?: number } = {}) {
  const c = new binance({
    apiKey: API_KEY,
    secret: overrides.secret ?? SECRET,
    enableRateLimit: false,
    timeout: overrides.timeout ?? 2_000,
    options: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false, fetchMargins: false, defaultType: "spot" },
  });
  c.urls["api"] = { ...exchange.ccxtApiUrls };
  return c;
}

/** The injected sleep records the wait and moves the injected clock: no test waits in real time. */
function venue(overrides: Partial<CcxtVenueOptions> & { secret?: string; timeout?: number } = {}) {
  const { secret, timeout, ...rest } = overrides;
  return createCcxtVenue({
    exchange: client({ ...(secret ? { secret } : {}), ...(timeout ? { timeout } : {}) }),
    accountId: "acc_test",
    clock: { now: () => new Date(nowMs) },
    sleep: async (ms) => {
      waits.push(ms);
      nowMs += ms;
    },
    random: () => 0.5,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
    breaker: { failureThreshold: 3, coolDownMs: 60_000 },
    ambiguousSettleMs: 11_000,
    ...rest,
  });
}

const marketBuy = (overrides: Partial<SubmitOrderInput> = {}): SubmitOrderInput => ({
  clientOrderId: "cid-1",
  symbol: "BTC/USDT",
  side: "buy",
  kind: "market",
  quantity: "0.01",
  referencePrice: "50000",
  ...overrides,
});

const line = (r: RecordedRequest) => `${r.method} ${r.path}`;
const orderPosts = () => exchange.requests().filter((r) => line(r) === "POST /api/v3/order");
const sentParams = (r: RecordedRequest) => new URLSearchParams(r.body !== "" ? r.body : r.query);

describe("ccxt venue against the test exchange", () => {
  it("maps the exchange's filters to market rules, cached until a reload is asked for", async () => {
    const v = venue();
    const loaded = await v.loadMarkets();
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value.get("BTC/USDT")).toEqual({
      symbol: "BTC/USDT",
      base: "BTC",
      quote: "USDT",
      kind: "spot",
      contractSize: "1",
      amountStep: "0.00001",
      priceStep: "0.01",
      minAmount: "0.00001",
      maxAmount: "9000",
      minCost: "5",
      maxCost: "9000000",
      makerFeeBps: "10",
      takerFeeBps: "10",
    });
    expect(loaded.value.get("ETH/USDT")?.amountStep).toBe("0.0001");
    await v.loadMarkets();
    expect(exchange.requests().filter((r) => r.path === "/api/v3/exchangeInfo")).toHaveLength(1);
    await v.loadMarkets(true);
    expect(exchange.requests().filter((r) => r.path === "/api/v3/exchangeInfo")).toHaveLength(2);
  });

  it("truncates the quantity to the step before sending, never rounding up, and passes the client order id", async () => {
    const result = await venue().submitOrder(marketBuy({ quantity: "0.0123456" }));
    expect(result).toMatchObject({ status: "accepted", quantity: "0.01234", truncated: true, attempts: 1 });
    const [post] = orderPosts();
    expect(sentParams(post!).get("quantity")).toBe("0.01234");
    expect(sentParams(post!).get("newClientOrderId")).toBe("cid-1");
    if (result.status !== "accepted") return;
    expect(result.order).toMatchObject({ clientOrderId: "cid-1", status: "closed", filled: "0.01234", average: "50000", cost: "617" });
    expect(exchange.orders()[0]?.origQty.toFixed()).toBe("0.01234");
  });

  it("sends a limit order's price as given and refuses one off the tick without a request", async () => {
    const v = venue();
    const ok = await v.submitOrder(marketBuy({ kind: "limit", limitPrice: "49000.5", referencePrice: undefined }));
    expect(ok).toMatchObject({ status: "accepted", order: { status: "open", price: "49000.5" } });
    expect(sentParams(orderPosts()[0]!).get("price")).toBe("49000.5");
    const off = await v.submitOrder(marketBuy({ clientOrderId: "cid-2", kind: "limit", limitPrice: "49000.005" }));
    expect(off).toEqual({ status: "denied", reason: "PRICE_OFF_TICK", limit: "0.01" });
    expect(orderPosts()).toHaveLength(1);
  });

  it("denies below the minimum, an unknown market and a missing reference price, sending nothing", async () => {
    const v = venue();
    expect(await v.submitOrder(marketBuy({ quantity: "0.00005" }))).toEqual({ status: "denied", reason: "NOTIONAL_BELOW_MIN", limit: "5" });
    expect(await v.submitOrder(marketBuy({ quantity: "0.000009" }))).toEqual({ status: "denied", reason: "QUANTITY_ZERO", limit: "0.00001" });
    expect(await v.submitOrder(marketBuy({ symbol: "DOGE/USDT" }))).toEqual({ status: "denied", reason: "UNKNOWN_MARKET" });
    expect(await v.submitOrder(marketBuy({ referencePrice: undefined }))).toEqual({ status: "denied", reason: "NO_REFERENCE_PRICE" });
    expect(exchange.requests().map(line)).toEqual(["GET /api/v3/exchangeInfo"]);
  });

  it("waits at least the Retry-After of a 429, then succeeds with one order", async () => {
    exchange.faults.rateLimited(3, { match: ORDER_POST });
    const result = await venue().submitOrder(marketBuy());
    expect(result).toMatchObject({ status: "accepted", attempts: 2 });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(3_000);
    expect(orderPosts()).toHaveLength(2);
    expect(exchange.orders()).toHaveLength(1);
  });

  it("retries -1021 (refused before matching) without a lookup", async () => {
    exchange.faults.timestampOutsideRecvWindow({ match: ORDER_POST });
    const result = await venue().submitOrder(marketBuy());
    expect(result).toMatchObject({ status: "accepted", attempts: 2 });
    expect(exchange.requests().map(line)).toEqual(["GET /api/v3/exchangeInfo", "POST /api/v3/order", "POST /api/v3/order"]);
    expect(waits).toEqual([50]);
  });

  it("treats a 5xx on submit as unknown: looks up, trusts not-found only after the receive window, resends once", async () => {
    exchange.faults.serverError(503, { match: ORDER_POST });
    const result = await venue().submitOrder(marketBuy());
    expect(result).toMatchObject({ status: "accepted", attempts: 2 });
    expect(exchange.requests().map(line)).toEqual([
      "GET /api/v3/exchangeInfo",
      "POST /api/v3/order",
      "GET /api/v3/order",
      "GET /api/v3/order",
      "POST /api/v3/order",
    ]);
    expect(sentParams(exchange.requests()[2]!).get("origClientOrderId")).toBe("cid-1");
    expect(waits[0]).toBeGreaterThanOrEqual(11_000);
    expect(exchange.orders()).toHaveLength(1);
  });

  it("accept-then-timeout: finds the order by its client order id and never sends it again", async () => {
    exchange.faults.acceptThenTimeout();
    const result = await venue({ timeout: 300 }).submitOrder(marketBuy());
    expect(result).toMatchObject({ status: "accepted", recovered: "lookup", order: { clientOrderId: "cid-1", status: "closed", filled: "0.01" } });
    expect(orderPosts()).toHaveLength(1);
    expect(exchange.orders()).toHaveLength(1);
  });

  it("a second submit of the same client order id after success makes no second order", async () => {
    const v = venue();
    const first = await v.submitOrder(marketBuy());
    const again = await v.submitOrder(marketBuy());
    expect(again).toMatchObject({ status: "accepted", recovered: "lookup" });
    if (first.status !== "accepted" || again.status !== "accepted") throw new Error("not accepted");
    expect(again.order.venueOrderId).toBe(first.order.venueOrderId);
    // A fresh process knows nothing; the caller's mayExist (order row still "submitting") makes it look first.
    const restarted = await venue().submitOrder(marketBuy({ mayExist: true }));
    expect(restarted).toMatchObject({ status: "accepted", recovered: "lookup", order: { venueOrderId: first.order.venueOrderId } });
    expect(orderPosts()).toHaveLength(1);
    expect(exchange.orders()).toHaveLength(1);
  });

  it("a duplicate-order refusal for an open order resolves to that order", async () => {
    const limit = marketBuy({ clientOrderId: "lim-1", kind: "limit", limitPrice: "40000" });
    const first = await venue().submitOrder(limit);
    const other = await venue().submitOrder(limit);
    expect(other).toMatchObject({ status: "accepted", recovered: "duplicate" });
    if (first.status !== "accepted" || other.status !== "accepted") throw new Error("not accepted");
    expect(other.order.venueOrderId).toBe(first.order.venueOrderId);
    expect(exchange.orders()).toHaveLength(1);
  });

  it("rejects insufficient funds with a stable reason and no retry", async () => {
    const result = await venue().submitOrder(marketBuy({ quantity: "1" }));
    expect(result).toMatchObject({ status: "rejected", reason: "VENUE_INSUFFICIENT_FUNDS" });
    expect(orderPosts()).toHaveLength(1);
  });

  it("a bad key is an auth failure that opens the breaker: the next submit sends nothing", async () => {
    const v = venue({ secret: "wrong-secret-0000000000" });
    const result = await v.submitOrder(marketBuy());
    expect(result).toMatchObject({ status: "unavailable", reason: "VENUE_AUTH_FAILED" });
    expect(v.breaker.state()).toMatchObject({ state: "open", cause: "auth" });
    const count = exchange.requests().length;
    expect(await v.submitOrder(marketBuy({ clientOrderId: "cid-2" }))).toEqual({ status: "unavailable", reason: "CIRCUIT_OPEN" });
    expect(await v.fetchBalances()).toMatchObject({ ok: false, error: { reason: "CIRCUIT_OPEN" } });
    expect(exchange.requests()).toHaveLength(count);
    nowMs += 60_000;
    expect(v.breaker.state()).toMatchObject({ state: "half-open" });
  });

  it("reads orders, trades and balances as decimal strings", async () => {
    const v = venue();
    await v.submitOrder(marketBuy());
    const resting = await v.submitOrder(marketBuy({ clientOrderId: "lim-1", kind: "limit", limitPrice: "40000" }));
    const open = await v.fetchOpenOrders("BTC/USDT");
    expect(open).toMatchObject({ ok: true, value: [{ clientOrderId: "lim-1", amount: "0.01", price: "40000" }] });
    const found = await v.fetchOrderByClientId("BTC/USDT", "lim-1");
    expect(found).toMatchObject({ ok: true, value: { clientOrderId: "lim-1", status: "open" } });
    expect(await v.fetchOrderByClientId("BTC/USDT", "nope")).toEqual({ ok: true, value: undefined });
    if (resting.status !== "accepted") throw new Error("not accepted");
    expect(await v.cancelOrder(resting.order.venueOrderId, "BTC/USDT")).toMatchObject({ ok: true, value: { status: "canceled" } });
    const trades = await v.fetchMyTrades("BTC/USDT", new Date(0));
    expect(trades).toMatchObject({ ok: true, value: [{ side: "buy", price: "50000", amount: "0.01" }] });
    const balances = await v.fetchBalances();
    if (!balances.ok) throw new Error("balances failed");
    expect(balances.value.get("USDT")).toEqual({ free: "9500", used: "0", total: "9500" });
    expect(balances.value.get("BTC")?.total).toBe("0.51");
  });

  it("no key, secret or signature appears in any result or logged failure", async () => {
    const logged: unknown[] = [];
    const v = venue({ logger: { warn: (obj) => logged.push(obj) }, breaker: { failureThreshold: 20, coolDownMs: 60_000 } });
    const results: unknown[] = [];
    exchange.faults.serverError(503, { match: { method: "GET", path: "/api/v3/account" }, times: 4 });
    results.push(await v.fetchBalances());
    exchange.faults.serverError(500, { match: { method: "GET", path: "/api/v3/openOrders" }, times: 4 });
    results.push(await v.fetchOpenOrders("BTC/USDT"));
    results.push(await v.submitOrder(marketBuy({ quantity: "1" })));
    const bad = venue({ secret: "wrong-secret-0000000000", logger: { warn: (obj) => logged.push(obj) } });
    results.push(await bad.submitOrder(marketBuy({ clientOrderId: "cid-9" })));
    results.push(await bad.fetchOpenOrders("BTC/USDT"));

    expect(results[0]).toMatchObject({ ok: false, error: { kind: "transient", reason: "VENUE_UNAVAILABLE" } });
    const text = JSON.stringify({ results, logged });
    expect(logged).toHaveLength(10);
    if (process.env["SHOW_REDACTED"]) console.log(text);
    expect(text).toContain("[redacted]");
    for (const secret of [API_KEY, SECRET, "wrong-secret-0000000000"]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/signature=(?!\[redacted\])/);
    expect(text).not.toMatch(/timestamp=\d/);
  });
});
