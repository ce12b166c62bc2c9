import { BadRequest, binance, InsufficientFunds, InvalidOrder } from "ccxt";
import { afterEach, describe, expect, it } from "vitest";
import { startTestExchange, type RecordedRequest, type TestExchange, type TestExchangeOptions } from "./server.js";

const API_KEY = "test-key";
const SECRET = "test-secret";

let exchange: TestExchange;

async function start(overrides: Partial<TestExchangeOptions> = {}) {
  exchange = await startTestExchange({
    apiKey: API_KEY,
    secret: SECRET,
    balances: { USDT: "10000", BTC: "0.5" },
    prices: { BTCUSDT: "50000", ETHUSDT: "3000" },
    stopOrders: "native",
    ...overrides,
  });
}

async function client() {
  const c = new binance({
    apiKey: API_KEY,
    secret: SECRET,
    enableRateLimit: false,
    timeout: 2_000,
    options: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false, fetchMargins: false, defaultType: "spot" },
  });
  c.urls["api"] = { ...exchange.ccxtApiUrls };
  await c.loadMarkets();
  return c;
}

const orderPosts = () => exchange.requests().filter((r) => r.method === "POST" && r.path === "/api/v3/order");
const sent = (r: RecordedRequest) => Object.fromEntries(new URLSearchParams(r.body !== "" ? r.body : r.query));
const stopLoss = (stop: number) => ({ clientOrderId: `sl-${stop}`, stopLossPrice: stop });

afterEach(() => exchange.close());

describe("test exchange: Binance spot stop-limit orders through ccxt binance", () => {
  it("lists the stop-limit types and keeps a STOP_LOSS_LIMIT waiting, its quantity locked", async () => {
    await start();
    const c = await client();
    expect(c.markets?.["BTC/USDT"]?.info.orderTypes).toEqual(expect.arrayContaining(["STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"]));
    const order = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 49000, stopLoss(49500));
    expect(sent(orderPosts()[0]!)).toMatchObject({ type: "STOP_LOSS_LIMIT", side: "SELL", quantity: "0.1", price: "49000", stopPrice: "49500", timeInForce: "GTC", newClientOrderId: "sl-49500" });
    expect(order).toMatchObject({ status: "open", type: "limit", price: 49000, triggerPrice: 49500, filled: 0 });
    expect(exchange.balance("BTC")).toEqual({ free: "0.4", locked: "0.1" });
    const found = await c.fetchOrder("", "BTC/USDT", { clientOrderId: "sl-49500" });
    expect(found).toMatchObject({ status: "open", triggerPrice: 49500, price: 49000 });
    expect((await c.fetchOpenOrders("BTC/USDT")).map((o) => o.clientOrderId)).toEqual(["sl-49500"]);
  });

  it("triggers when the price reaches the stop and fills at once at the market when the limit allows, as a taker", async () => {
    await start();
    const c = await client();
    const order = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 49000, stopLoss(49500));
    exchange.setPrice("BTCUSDT", "49600");
    expect((await c.fetchOrder(order.id!, "BTC/USDT")).status).toBe("open");
    exchange.setPrice("BTCUSDT", "49400");
    expect(await c.fetchOrder(order.id!, "BTC/USDT")).toMatchObject({ status: "closed", filled: 0.1, cost: 4940 });
    const [trade] = await c.fetchMyTrades("BTC/USDT");
    expect(trade).toMatchObject({ order: order.id, price: 49400, amount: 0.1, side: "sell", takerOrMaker: "taker" });
    expect(exchange.balance("BTC")).toEqual({ free: "0.4", locked: "0" });
    expect(exchange.balance("USDT").free).toBe("14940");
  });

  it("a price that gaps past the limit leaves the triggered order resting at its limit, filled when the price comes back", async () => {
    await start();
    const c = await client();
    const order = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 49000, stopLoss(49500));
    exchange.setPrice("BTCUSDT", "48000");
    expect(await c.fetchOrder(order.id!, "BTC/USDT")).toMatchObject({ status: "open", filled: 0 });
    expect(exchange.orders()[0]).toMatchObject({ working: true });
    exchange.setPrice("BTCUSDT", "49100");
    expect(await c.fetchOrder(order.id!, "BTC/USDT")).toMatchObject({ status: "closed", filled: 0.1 });
    expect((await c.fetchMyTrades("BTC/USDT"))[0]).toMatchObject({ price: 49000, takerOrMaker: "maker" });
  });

  it("a TAKE_PROFIT_LIMIT sell waits above the market and triggers when the price rises to it", async () => {
    await start();
    const c = await client();
    const order = await c.createOrder("BTC/USDT", "limit", "sell", 0.2, 51800, { clientOrderId: "tp-1", takeProfitPrice: 52000 });
    expect(sent(orderPosts()[0]!)).toMatchObject({ type: "TAKE_PROFIT_LIMIT", price: "51800", stopPrice: "52000" });
    exchange.setPrice("BTCUSDT", "51900");
    expect((await c.fetchOrder(order.id!, "BTC/USDT")).status).toBe("open");
    exchange.setPrice("BTCUSDT", "52100");
    expect(await c.fetchOrder(order.id!, "BTC/USDT")).toMatchObject({ status: "closed", filled: 0.2, cost: 10420 });
  });

  it("refuses a stop the market already crosses, a stop off the tick, and a second leg the balance cannot cover", async () => {
    await start();
    const c = await client();
    const crossed = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 50400, stopLoss(50500)).catch((e: unknown) => e);
    expect(crossed).toBeInstanceOf(InvalidOrder);
    expect(String(crossed)).toContain("Order would immediately trigger.");
    const target = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 49000, { clientOrderId: "tp-low", takeProfitPrice: 49500 }).catch((e: unknown) => e);
    expect(String(target)).toContain("Order would immediately trigger.");
    const raw = c as unknown as { privatePostOrder(p: Record<string, string>): Promise<unknown> };
    await expect(
      raw.privatePostOrder({ symbol: "BTCUSDT", side: "SELL", type: "STOP_LOSS_LIMIT", quantity: "0.1", price: "49000", stopPrice: "49500.005", timeInForce: "GTC" }),
    ).rejects.toThrow(/PRICE_FILTER/);
    await expect(raw.privatePostOrder({ symbol: "BTCUSDT", side: "SELL", type: "STOP_LOSS_LIMIT", quantity: "0.1", price: "49000", timeInForce: "GTC" })).rejects.toThrow(/stopPrice/);

    await c.createOrder("BTC/USDT", "limit", "sell", 0.5, 49000, stopLoss(49500));
    const second = await c.createOrder("BTC/USDT", "limit", "sell", 0.5, 51800, { clientOrderId: "tp-2", takeProfitPrice: 52000 }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(InsufficientFunds);
    expect(exchange.orders().filter((o) => o.status === "NEW")).toHaveLength(1);
  });

  it("cancels a waiting stop and releases what it locked", async () => {
    await start();
    const c = await client();
    const order = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 49000, stopLoss(49500));
    expect((await c.cancelOrder(order.id!, "BTC/USDT")).status).toBe("canceled");
    expect(exchange.balance("BTC")).toEqual({ free: "0.5", locked: "0" });
    exchange.setPrice("BTCUSDT", "49000");
    expect(exchange.orders()[0]?.status).toBe("CANCELED");
  });

  it("a fault can match on request parameters: only the stop order's request is answered 503", async () => {
    await start();
    const c = await client();
    exchange.faults.serverError(503, { match: { method: "POST", path: "/api/v3/order", params: { type: "STOP_LOSS_LIMIT" } } });
    await expect(c.createOrder("BTC/USDT", "market", "buy", 0.01, undefined, { clientOrderId: "entry-1" })).resolves.toMatchObject({ status: "closed" });
    await expect(c.createOrder("BTC/USDT", "limit", "sell", 0.1, 49000, stopLoss(49500))).rejects.toThrow(/503|Service Unavailable/);
    expect(exchange.faults.pending()).toHaveLength(0);
  });

  it("without native stops: not listed, so ccxt refuses before sending; sent anyway, -1116 Invalid orderType", async () => {
    await start({ stopOrders: "none" });
    const c = await client();
    await expect(c.createOrder("BTC/USDT", "limit", "sell", 0.1, 49000, stopLoss(49500))).rejects.toBeInstanceOf(InvalidOrder);
    expect(orderPosts()).toHaveLength(0);
    const raw = c as unknown as { privatePostOrder(p: Record<string, string>): Promise<unknown> };
    await expect(
      raw.privatePostOrder({ symbol: "BTCUSDT", side: "SELL", type: "STOP_LOSS_LIMIT", quantity: "0.1", price: "49000", stopPrice: "49500", timeInForce: "GTC" }),
    ).rejects.toThrow(/-1116/);
  });

  it("listed but refused: ccxt sends the order and raises the -1116 as BadRequest", async () => {
    await start({ stopOrders: "refused" });
    const c = await client();
    const error = await c.createOrder("BTC/USDT", "limit", "sell", 0.1, 49000, stopLoss(49500)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequest);
    expect(String(error)).toContain("Invalid orderType.");
    expect(orderPosts()).toHaveLength(1);
    expect(exchange.orders()).toHaveLength(0);
  });
});
