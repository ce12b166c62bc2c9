import {
  AuthenticationError,
  binance,
  DDoSProtection,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  OrderNotFound,
  RequestTimeout,
} from "ccxt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestExchange, type TestExchange, type TestExchangeOptions } from "./server.js";

const API_KEY = "test-key";
const SECRET = "test-secret";

let exchange: TestExchange;

async function start(overrides: Partial<TestExchangeOptions> = {}) {
  exchange = await startTestExchange({
    apiKey: API_KEY,
    secret: SECRET,
    balances: { USDT: "10000", BTC: "0.5" },
    prices: { BTCUSDT: "50000", ETHUSDT: "3000" },
    ...overrides,
  });
}

/** ccxt's binance against the test exchange; `urls.api` is replaced whole so nothing can reach the real venue. */
function client(overrides: { secret?: string; timeout?: number } = {}) {
  const c = new binance({
    apiKey: API_KEY,
    secret: overrides.secret ?? SECRET,
    enableRateLimit: false,
    timeout: overrides.timeout ?? 2_000,
    options: {
      fetchMarkets: { types: ["spot"] },
      fetchCurrencies: false,
      fetchMargins: false,
      defaultType: "spot",
    },
  });
  c.urls["api"] = { ...exchange.ccxtApiUrls };
  return c;
}

async function loaded(overrides?: Parameters<typeof client>[0]) {
  const c = client(overrides);
  await c.loadMarkets();
  return c;
}

beforeEach(() => start());
afterEach(() => exchange.close());

describe("test exchange through ccxt binance", () => {
  it("loadMarkets hits exchangeInfo only and derives precision and limits from the filters", async () => {
    const c = client();
    const markets = await c.loadMarkets();
    expect(exchange.requests().map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/v3/exchangeInfo"]);
    const btc = markets["BTC/USDT"]!;
    expect(btc.id).toBe("BTCUSDT");
    expect(btc.precision).toMatchObject({ price: 0.01, amount: 0.00001 });
    expect(btc.limits.amount).toMatchObject({ min: 0.00001, max: 9000 });
    expect(btc.limits.cost?.min).toBe(5);
    expect(markets["ETH/USDT"]!.precision.amount).toBe(0.0001);
  });

  it("fills a market buy with its clientOrderId and moves the balances", async () => {
    const c = await loaded();
    const order = await c.createOrder("BTC/USDT", "market", "buy", 0.01, undefined, { clientOrderId: "sig-1" });
    expect(order).toMatchObject({ clientOrderId: "sig-1", status: "closed", filled: 0.01, average: 50000, cost: 500 });
    expect(order.trades).toHaveLength(1);
    const balance = await c.fetchBalance();
    expect(balance["USDT"]).toMatchObject({ free: 9500, used: 0, total: 9500 });
    expect(balance["BTC"]?.free).toBeCloseTo(0.51, 10);
  });

  it("rests a limit order, fills it when the price crosses, and reports the trade", async () => {
    const c = await loaded();
    const order = await c.createOrder("BTC/USDT", "limit", "buy", 0.02, 49000, { clientOrderId: "lim-1" });
    expect(order.status).toBe("open");
    expect((await c.fetchBalance())["USDT"]).toMatchObject({ free: 9020, used: 980 });
    const open = await c.fetchOpenOrders("BTC/USDT");
    expect(open.map((o) => o.clientOrderId)).toEqual(["lim-1"]);

    exchange.setPrice("BTCUSDT", "48900");
    expect(await c.fetchOpenOrders("BTC/USDT")).toEqual([]);
    const filled = await c.fetchOrder(order.id!, "BTC/USDT");
    expect(filled).toMatchObject({ status: "closed", filled: 0.02, price: 49000 });
    const trades = await c.fetchMyTrades("BTC/USDT");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ order: order.id, price: 49000, amount: 0.02, side: "buy", takerOrMaker: "maker" });
    expect((await c.fetchBalance())["USDT"]).toMatchObject({ free: 9020, used: 0 });
  });

  it("cancels a resting order and releases the locked funds", async () => {
    const c = await loaded();
    const order = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 60000, { clientOrderId: "sell-1" });
    expect((await c.fetchBalance())["BTC"]).toMatchObject({ used: 0.1 });
    const cancelled = await c.cancelOrder(order.id!, "BTC/USDT");
    expect(cancelled.status).toBe("canceled");
    expect((await c.fetchBalance())["BTC"]).toMatchObject({ free: 0.5, used: 0 });
    await expect(c.cancelOrder(order.id!, "BTC/USDT")).rejects.toThrow(/-2011/);
  });

  it("fills part of a resting limit: open for the rest, which a cancel releases", async () => {
    const c = await loaded();
    const order = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 60000, { clientOrderId: "part-1" });
    exchange.fillPart("part-1", "0.04");
    expect(await c.fetchOrder(order.id!, "BTC/USDT")).toMatchObject({ status: "open", filled: 0.04, remaining: 0.06 });
    expect((await c.fetchOpenOrders("BTC/USDT")).map((o) => o.clientOrderId)).toEqual(["part-1"]);
    expect((await c.fetchBalance())["BTC"]).toMatchObject({ free: 0.4, used: 0.06 });
    const cancelled = await c.cancelOrder(order.id!, "BTC/USDT");
    expect(cancelled).toMatchObject({ status: "canceled", filled: 0.04 });
    expect((await c.fetchBalance())["BTC"]).toMatchObject({ free: 0.46, used: 0 });
  });

  it("fetches an order by clientOrderId; an unknown one is -2013, raised as OrderNotFound", async () => {
    const c = await loaded();
    await c.createOrder("ETH/USDT", "limit", "buy", 0.5, 2500, { clientOrderId: "eth-1" });
    const found = await c.fetchOrder("", "ETH/USDT", { clientOrderId: "eth-1" });
    expect(found).toMatchObject({ clientOrderId: "eth-1", status: "open", amount: 0.5, price: 2500 });
    await expect(c.fetchOrder("", "ETH/USDT", { clientOrderId: "nope" })).rejects.toBeInstanceOf(OrderNotFound);
  });

  it("answers a wrong secret with -1022, which ccxt raises as AuthenticationError", async () => {
    const c = await loaded({ secret: "wrong" });
    await expect(c.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(c.fetchBalance()).rejects.toThrow(/-1022/);
  });

  it("answers an unknown api key with -2015 (AuthenticationError)", async () => {
    const c = await loaded();
    c.apiKey = "someone-else";
    await expect(c.fetchBalance()).rejects.toThrow(AuthenticationError);
  });

  it("maps 429 with Retry-After and 418 to DDoSProtection (not RateLimitExceeded)", async () => {
    const c = await loaded();
    exchange.faults.rateLimited(7);
    const error = await c.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DDoSProtection);
    expect(c.last_response_headers?.["Retry-After"] ?? c.last_response_headers?.["retry-after"]).toBe("7");
    exchange.faults.ipBanned(60);
    await expect(c.fetchTicker("BTC/USDT")).rejects.toBeInstanceOf(DDoSProtection);
    await expect(c.fetchBalance()).resolves.toBeDefined();
  });

  it("maps a 5xx without a JSON body to ExchangeNotAvailable, counted faults fire N times", async () => {
    const c = await loaded();
    exchange.faults.serverError(503, { times: 2 });
    await expect(c.fetchBalance()).rejects.toBeInstanceOf(ExchangeNotAvailable);
    await expect(c.fetchBalance()).rejects.toBeInstanceOf(ExchangeNotAvailable);
    await expect(c.fetchBalance()).resolves.toBeDefined();
    exchange.faults.serverError(500);
    await expect(c.fetchBalance()).rejects.toBeInstanceOf(ExchangeNotAvailable);
  });

  it("rejects an order beyond the balance with -2010, raised as InsufficientFunds", async () => {
    const c = await loaded();
    const error = await c.createOrder("BTC/USDT", "market", "buy", 1, undefined, { clientOrderId: "big" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFunds);
    expect(exchange.orders()).toHaveLength(0);
  });

  it("rejects a duplicate open clientOrderId with -2010 Duplicate order sent (InvalidOrder)", async () => {
    const c = await loaded();
    await c.createOrder("BTC/USDT", "limit", "buy", 0.01, 40000, { clientOrderId: "dup" });
    const error = await c.createOrder("BTC/USDT", "limit", "buy", 0.01, 40000, { clientOrderId: "dup" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOrder);
    expect(error).not.toBeInstanceOf(InsufficientFunds);
    expect(String(error)).toMatch(/Duplicate order sent/);
    expect(exchange.orders()).toHaveLength(1);
  });

  it("raises -1021 as InvalidNonce, injected or from a real clock skew", async () => {
    const c = await loaded();
    exchange.faults.timestampOutsideRecvWindow();
    await expect(c.fetchBalance()).rejects.toBeInstanceOf(InvalidNonce);
    await exchange.close();

    await start({ clock: () => Date.now() + 15_000 });
    const skewed = await loaded();
    await expect(skewed.fetchBalance()).rejects.toThrow(/-1021/);
    await expect(skewed.fetchBalance({ recvWindow: 20_000 })).resolves.toBeDefined();
  });

  it("accepts an order then times out: ccxt raises RequestTimeout and the exchange holds exactly one order", async () => {
    const c = await loaded({ timeout: 300 });
    exchange.faults.acceptThenTimeout();
    const started = Date.now();
    const error = await c.createOrder("BTC/USDT", "market", "buy", 0.01, undefined, { clientOrderId: "lost-1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeout);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(exchange.orders()).toHaveLength(1);
    const found = await c.fetchOrder("", "BTC/USDT", { clientOrderId: "lost-1" });
    expect(found).toMatchObject({ clientOrderId: "lost-1", status: "closed", filled: 0.01 });
  });

  it("adds latency on demand", async () => {
    const c = await loaded();
    exchange.faults.latency(150);
    const started = Date.now();
    await c.fetchTicker("BTC/USDT");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("enforces the filters ccxt reads: a quantity off the step is a LOT_SIZE InvalidOrder", async () => {
    const c = await loaded();
    // Bypass ccxt's own rounding to reach the exchange's check.
    const raw = c as unknown as { privatePostOrder(p: Record<string, string>): Promise<unknown> };
    await expect(
      raw.privatePostOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.000015" }),
    ).rejects.toBeInstanceOf(InvalidOrder);
  });
});
