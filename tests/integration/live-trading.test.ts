import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestExchange, type TestExchange } from "../exchange/server.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
// After the harness: it loads the app (and zod's OpenAPI extension) first, as the gateway does.
import { parseConfig } from "../../src/config/env.js";
import { buildContainer } from "../../src/container.js";
import { createCcxtVenue } from "../../src/execution/live/ccxt-venue.js";
import { exchangeClient } from "../../src/execution/live/live-venues.js";
import { placeLiveOrder } from "../../src/execution/live/place-live-order.js";
import { RiskLimitsSchema } from "../../src/risk/limits.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert, waitForExchangeAccounts, waitProcessed } from "../helpers/trading.js";
import { parseExposition, samplesOf, type Sample } from "../helpers/prometheus-text.js";

// TradingView alert → live order at an exchange that speaks Binance's REST protocol, through ccxt's
// real binance class (signing, parsing, error mapping), → fill → position.
const KEY = "live-itest-key-3b9d2f7a61";
const SECRET = "live-itest-secret-8c4e1a0f95d2";
const DEFAULT_RISK_LIMITS_OPEN = RiskLimitsSchema.parse({ maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: null });
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: null };

let exchange: TestExchange;
let t: TestApp;
let strategy: CreatedStrategy;
let wrongKeyStrategy: CreatedStrategy;
let env: Record<string, string>;

/** The test exchange's amount steps (tests/exchange/markets.ts). */
const STEP: Record<string, number> = { "BTC/USDT": 0.00001, "ETH/USDT": 0.0001 };

const orderPosts = () => exchange.requests().filter((r) => r.method === "POST" && r.path === "/api/v3/order");

beforeAll(async () => {
  exchange = await startTestExchange({ apiKey: KEY, secret: SECRET, balances: { USDT: "10000" }, prices: { BTCUSDT: "50000", ETHUSDT: "3000" }, commissionRate: "0.001" });
  const account = (id: string, secretEnv: string) => ({
    id, name: id, exchange: "binance", apiKeyEnv: "LIVE_ITEST_KEY", secretEnv, sandbox: false, marketType: "spot", apiBaseUrl: exchange.url,
  });
  env = {
    EXCHANGE_ACCOUNTS: JSON.stringify([account("binance-local", "LIVE_ITEST_SECRET"), account("binance-badkey", "LIVE_ITEST_WRONG_SECRET")]),
    LIVE_ITEST_KEY: KEY,
    LIVE_ITEST_SECRET: SECRET,
    LIVE_ITEST_WRONG_SECRET: "not-the-secret-0000000000",
    EXCHANGE_TIMEOUT_MS: "1000",
    EXCHANGE_RECV_WINDOW_MS: "1000",
    // Reconciliation only at start, so the test decides when it happens.
    EXCHANGE_RECONCILE_MS: "0",
    EXCHANGE_PROTECTION_POLL_MS: "0",
  };
  t = await startTestApp(env);
  // The venues connect in the background: wait until both accounts have been checked.
  await waitForExchangeAccounts(t, ["binance-local", "binance-badkey"]);
  strategy = await createStrategy(t, { mode: "live", accountId: "binance-local", riskLimits: OPEN_LIMITS });
  wrongKeyStrategy = await createStrategy(t, { mode: "live", accountId: "binance-badkey", riskLimits: OPEN_LIMITS });
}, 30_000);
afterAll(async () => {
  await t?.close();
  await exchange?.close();
});

const scrapeMetrics = async () => parseExposition((await t.http.get("/metrics")).text);
const total = (samples: Sample[], name: string, labels: Record<string, string>) => samplesOf(samples, name, labels).reduce((n, x) => n + x.value, 0);

describe("live trading through ccxt against the local exchange", () => {
  it("reads the account's cash from the venue at start", async () => {
    const res = await t.http.get("/v1/accounts/binance-local").set(t.auth());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: "live", cash: "10000", health: { status: "ok" } });
  });

  it("turns an alert into one exchange order with our client order id, truncated to the step, and books the fill", async () => {
    const before = orderPosts().length;
    const metricsBefore = await scrapeMetrics();
    const done = await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "buy", quantity: "0.0123456", price: "50000" });
    // Counted in /metrics: the live fill, and the exchange calls that made it.
    const metricsAfter = await scrapeMetrics();
    const moved = (name: string, labels: Record<string, string>) => total(metricsAfter, name, labels) - total(metricsBefore, name, labels);
    expect(moved("signal_gateway_fills_total", { venue: "live" })).toBe(1);
    expect(moved("signal_gateway_venue_call_duration_seconds_count", { account_kind: "live", operation: "submit" })).toBeGreaterThanOrEqual(1);
    expect(done.result).toMatchObject({ outcome: "EXECUTED" });
    const [order] = done.trace.orders as Array<Record<string, unknown>>;
    // Truncated to the 0.00001 step, never rounded up; filled at the exchange's price.
    expect(order).toMatchObject({ side: "buy", kind: "market", status: "filled", quantity: "0.01234", filledQuantity: "0.01234", averageFillPrice: "50000" });
    expect(orderPosts().length).toBe(before + 1);
    const stored = (await t.http.get(`/v1/orders/${order?.id}`).set(t.auth())).body;
    expect(stored.clientOrderId).toMatch(/^sg[0-9a-f]{28}$/);
    expect(exchange.orders().filter((o) => o.clientOrderId === stored.clientOrderId)).toHaveLength(1);
    // The 0.1 % commission is taken in BTC: the account holds 0.01234 − 0.00001234, as the exchange says,
    // and the fee is valued at the fill price (0.617 USDT); cash moved by exactly 0.01234 × 50000 = 617.
    expect(done.trace.positions).toMatchObject([{ symbol: "BTC/USDT", quantity: "0.01232766", status: "open" }]);
    expect(exchange.balance("BTC").free).toBe("0.01232766");
    const account = (await t.http.get("/v1/accounts/binance-local").set(t.auth())).body;
    expect(account.cash).toBe("9383");
    expect(account.fees).toBe("0.617");
    expect(exchange.balance("USDT").free).toBe("9383");
  });

  it("denies an order below the market's minimum before any request reaches the exchange", async () => {
    const before = orderPosts().length;
    const done = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.001", price: "3000" });
    expect(done.result).toMatchObject({ outcome: "DENIED" });
    expect(done.trace.decisions).toMatchObject([{ outcome: "denied", reason: "NOTIONAL_BELOW_MIN" }]);
    expect(orderPosts().length).toBe(before);
  });

  it("after a timeout once the exchange accepted the order, finds it by client order id: exactly one order", async () => {
    exchange.faults.acceptThenTimeout();
    const before = exchange.orders().length;
    const done = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000" });
    expect(done.result).toMatchObject({ outcome: "EXECUTED" });
    expect(exchange.orders().length).toBe(before + 1);
    expect(done.trace.orders).toMatchObject([{ status: "filled", filledQuantity: "0.1" }]);
  });

  it("after a 5xx on the order, looks it up, and sends it again only once the exchange's receive window has passed", async () => {
    exchange.faults.serverError(503, { match: { method: "POST", path: "/api/v3/order" } });
    const before = orderPosts().length;
    const done = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", quantity: "0.05", price: "3000" });
    expect(done.result).toMatchObject({ outcome: "EXECUTED" });
    expect(orderPosts().length).toBe(before + 2);
    const stored = (await t.http.get(`/v1/orders/${(done.trace.orders[0] as { id: string }).id}`).set(t.auth())).body;
    expect(exchange.orders().filter((o) => o.clientOrderId === stored.clientOrderId)).toHaveLength(1);
    // Between the two POSTs, the exchange was asked for the order by its client order id.
    const lookups = exchange.requests().filter((r) => r.method === "GET" && r.path === "/api/v3/order" && r.query.includes(stored.clientOrderId));
    expect(lookups.length).toBeGreaterThanOrEqual(1);
  });

  it("an intent whose outcome was never confirmed is only looked up when its signal runs again, never sent twice", async () => {
    // A venue of its own (same account, same exchange): its breaker and retries are this test's.
    const account = { id: "binance-local", name: "binance-local", exchange: "binance", apiKeyEnv: "LIVE_ITEST_KEY", secretEnv: "LIVE_ITEST_SECRET", sandbox: false, marketType: "spot" as const, apiBaseUrl: exchange.url, currency: "USDT" };
    const venue = createCcxtVenue({
      exchange: exchangeClient(account, { apiKey: KEY, secret: SECRET }, 1000, 1000),
      accountId: "binance-local",
      clock: t.services.clock,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 100, coolDownMs: 1 },
      ambiguousSettleMs: 60_000,
    });
    const ctx = { db: t.services.database.db, clock: t.services.clock, ids: t.services.ids, logger: t.logs.logger };
    const markets = await venue.loadMarkets();
    const rules = markets.ok ? markets.value.get("ETH/USDT") : undefined;
    const input = {
      accountId: "binance-local", strategyId: strategy.id, symbol: "ETH/USDT", side: "buy" as const, kind: "market" as const, quantity: "0.02",
      reduceOnly: false, role: "entry" as const, origin: { manualKey: `resume-${Date.now()}` }, leg: 0, limits: DEFAULT_RISK_LIMITS_OPEN,
      reference: { price: "3000", observedAt: new Date() },
    };
    // The exchange takes the order but every answer after it is lost: the outcome stays unknown.
    exchange.faults.acceptThenTimeout();
    exchange.faults.latency(2_000, { times: 10, match: { method: "GET", path: "/api/v3/order" } });
    const first = await placeLiveOrder(ctx, venue, input, rules);
    expect(first.order).toMatchObject({ status: "new" });
    exchange.faults.clear();
    const posts = orderPosts().length;
    // Run again (a restart, a claim taken over): looked up, found, booked; nothing new is sent.
    const again = await placeLiveOrder(ctx, venue, input, rules);
    expect(again.order).toMatchObject({ id: first.order?.id, status: "filled", filledQuantity: "0.02" });
    expect(orderPosts().length).toBe(posts);
    expect(exchange.orders().filter((o) => o.clientOrderId === first.order?.clientOrderId)).toHaveLength(1);
  }, 30_000);

  it("waits out a 429 and places the order once", async () => {
    exchange.faults.rateLimited(1);
    const before = orderPosts().length;
    const done = await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "exit_long", quantity: "0.005", price: "50000" });
    expect(done.result).toMatchObject({ outcome: "EXECUTED" });
    expect(orderPosts().length).toBe(before + 2);
    const stored = (await t.http.get(`/v1/orders/${(done.trace.orders[0] as { id: string }).id}`).set(t.auth())).body;
    expect(exchange.orders().filter((o) => o.clientOrderId === stored.clientOrderId)).toHaveLength(1);
    // 0.01232766 held, 0.005 sold (the sell's commission is taken in USDT).
    expect(done.trace.positions).toMatchObject([{ quantity: "0.00732766", status: "open" }]);
  });

  it("halts an account whose key the exchange refuses: unhealthy, and its orders denied before any venue call", async () => {
    const account = (await t.http.get("/v1/accounts/binance-badkey").set(t.auth())).body;
    expect(account.health).toMatchObject({ status: "unavailable" });
    expect(account.health.detail).toContain("VENUE_AUTH_FAILED");
    const before = orderPosts().length;
    const done = await sendAlert(t, wrongKeyStrategy, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "50000" });
    expect(done.trace.decisions).toMatchObject([{ outcome: "denied", reason: "TRADING_HALTED", limit: "tradingState.account=HALTED" }]);
    expect(orderPosts().length).toBe(before);
    expect(t.logs.lines().some((l) => l.accountId === "binance-badkey" && String(l.msg).includes("HALTED"))).toBe(true);
  });

  it("never shows the key or the secret in a response or a log line", async () => {
    const bodies = await Promise.all(["/v1/accounts", "/v1/orders", "/v1/signals"].map((p) => t.http.get(p).set(t.auth())));
    for (const text of [...bodies.map((b) => b.text), ...t.logs.lines().map((l) => JSON.stringify(l))]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SECRET);
    }
  });

  it("holds a live entry's stop-loss and take-profit, and exits at market through the exchange when the price crosses the stop", async () => {
    const protectedStrategy = await createStrategy(t, { mode: "live", accountId: "binance-local", riskLimits: OPEN_LIMITS });
    const entry = await sendAlert(t, protectedStrategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.2", price: "3000", sl: "2900", tp: "3200" });
    const roles = () => entry.trace.orders.map((o) => [o.role, o.status]);
    expect(roles()).toEqual([["entry", "filled"], ["stop_loss", "submitted"], ["take_profit", "submitted"]]);
    // Held for what the position holds: 0.2 less the 0.1 % commission taken in ETH.
    expect(entry.trace.orders[1]).toMatchObject({ quantity: "0.1998", stopPrice: "2900", side: "sell" });
    const before = orderPosts().length;

    await t.services.liveVenues.watchProtectionNow();
    expect(orderPosts().length).toBe(before); // 3000: nothing crossed

    exchange.setPrice("ETHUSDT", "2890");
    try {
      await t.services.liveVenues.watchProtectionNow();
      expect(orderPosts().length).toBe(before + 1);
      const after = await waitProcessed(t, entry.id);
      const byRole = Object.fromEntries(after.trace.orders.map((o) => [`${o.role}:${o.kind}`, o]));
      expect(byRole["stop_loss:stop"]).toMatchObject({ status: "cancelled" });
      expect(byRole["take_profit:limit"]).toMatchObject({ status: "cancelled" });
      expect(byRole["exit:market"]).toMatchObject({ status: "filled", filledQuantity: "0.1998", averageFillPrice: "2890" });
      expect(after.trace.positions).toMatchObject([{ quantity: "0", status: "closed" }]);
      // A second pass finds nothing left to fire.
      await t.services.liveVenues.watchProtectionNow();
      expect(orderPosts().length).toBe(before + 1);
    } finally {
      exchange.setPrice("ETHUSDT", "3000");
    }
  });

  it("halting a live account with flatten closes its positions and cancels its orders at the exchange", async () => {
    const limits = await createStrategy(t, { mode: "live", accountId: "binance-local", defaultOrderType: { type: "limit", offsetBps: "100" }, riskLimits: OPEN_LIMITS });
    const resting = await sendAlert(t, limits, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "50000" });
    const [order] = resting.trace.orders as unknown as Array<{ id: string; status: string }>;
    expect(order?.status).toBe("submitted");
    const stored = (await t.http.get(`/v1/orders/${order?.id}`).set(t.auth())).body;
    const openBefore = (await t.http.get("/v1/positions?status=open&limit=500").set(t.auth())).body.data as Array<{ accountId: string; id: string }>;
    const livePositions = openBefore.filter((p) => p.accountId === "binance-local");
    expect(livePositions.length).toBeGreaterThan(0);
    const posts = orderPosts().length;

    const halt = await t.http.put("/v1/accounts/binance-local/trading-state").set(t.auth()).send({ state: "HALTED", reason: "drill", flatten: true });
    try {
      expect(halt.status).toBe(200);
      // Every live position closed by a reduce-only market order at the exchange.
      expect(halt.body.flattened).toHaveLength(livePositions.length);
      for (const f of halt.body.flattened) expect(f).toMatchObject({ orderId: expect.any(String), reason: null });
      expect(orderPosts().length).toBe(posts + livePositions.length);
      // What is left is dust: the commissions taken in the coin leave less than one amount step, which
      // no exchange order can sell. The position stays open with it, as the exchange's balance does.
      const openAfter = (await t.http.get("/v1/positions?status=open&limit=500").set(t.auth())).body.data as Array<{ accountId: string; symbol: string; quantity: string }>;
      for (const p of openAfter.filter((x) => x.accountId === "binance-local")) expect(Number(p.quantity), p.symbol).toBeLessThan(STEP[p.symbol] ?? 0);
      // The resting limit is cancelled at the exchange, and then in our books.
      expect(exchange.orders().find((o) => o.clientOrderId === stored.clientOrderId)?.status).toBe("CANCELED");
      expect((await t.http.get(`/v1/orders/${order?.id}`).set(t.auth())).body.status).toBe("cancelled");
      const denied = await sendAlert(t, limits, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000" });
      expect(denied.trace.decisions).toMatchObject([{ outcome: "denied", reason: "TRADING_HALTED" }]);
    } finally {
      const back = await t.http.put("/v1/accounts/binance-local/trading-state").set(t.auth()).send({ state: "ACTIVE", reason: "drill over" });
      expect(back.status).toBe(200);
    }
  });

  it("takes manual orders and API closes on an exchange account through the live path", async () => {
    const manual = await t.http.post("/v1/orders").set(t.auth()).send({ strategy: strategy.key, symbol: "BTC/USDT", side: "buy", kind: "market", quantity: "0.001" });
    expect(manual.status, JSON.stringify(manual.body)).toBe(201);
    expect(manual.body.order).toMatchObject({ status: "filled", accountId: "binance-local" });
    expect(exchange.orders().filter((o) => o.clientOrderId === manual.body.order.clientOrderId)).toHaveLength(1);
    const positions = (await t.http.get(`/v1/positions?strategy=${strategy.id}&status=open`).set(t.auth())).body.data as Array<{ id: string; symbol: string }>;
    const btc = positions.find((p) => p.symbol === "BTC/USDT");
    const close = await t.http.post(`/v1/positions/${btc?.id}/close`).set(t.auth()).send();
    expect(close.status, JSON.stringify(close.body)).toBe(200);
    expect(Number(close.body.position.quantity)).toBeLessThan(STEP["BTC/USDT"] ?? 0); // dust, as above
    expect(exchange.orders().filter((o) => o.clientOrderId === close.body.order.clientOrderId)).toHaveLength(1);
  });

  it("books at start an order that filled at the exchange while the gateway was stopped", async () => {
    const limits = await createStrategy(t, { mode: "live", accountId: "binance-local", defaultOrderType: { type: "limit", offsetBps: "100" }, riskLimits: OPEN_LIMITS });
    const placed = await sendAlert(t, limits, { ticker: "ETHUSDT", action: "buy", quantity: "0.3", price: "3000" });
    const [order] = placed.trace.orders as unknown as Array<{ id: string; status: string; limitPrice: string }>;
    expect(order).toMatchObject({ status: "submitted", limitPrice: "2970" });

    // The gateway stops; meanwhile the price crosses the limit and the exchange fills it.
    await t.services.processing.stop();
    await t.services.liveVenues.stop();
    exchange.setPrice("ETHUSDT", "2950");

    // A new gateway process starts on the same database: its start reconciles the account.
    const config = parseConfig({ NODE_ENV: "test", API_KEY: t.adminKey, DATA_DIR: mkdtempSync(join(tmpdir(), "sg-live-")), ...env });
    if (!config.ok) throw new Error(config.errors.join("; "));
    const restarted = await buildContainer(config.config, { logger: t.logs.logger, database: t.db.database, secretEnv: env });
    await restarted.processing.start();
    try {
      let stored: { status: string; filledQuantity: string } = { status: "", filledQuantity: "" };
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && stored.status !== "filled"; await new Promise((r) => setTimeout(r, 25))) {
        stored = (await t.http.get(`/v1/orders/${order?.id}`).set(t.auth())).body;
      }
      expect(stored).toMatchObject({ status: "filled", filledQuantity: "0.3" });
      const positions = (await t.http.get(`/v1/positions?strategy=${limits.id}`).set(t.auth())).body.data as Array<Record<string, string>>;
      // The 0.1 % commission was taken in ETH: 0.3 − 0.0003 held, as the exchange's balance says.
      expect(positions).toMatchObject([{ symbol: "ETH/USDT", status: "open", averageEntryPrice: "2970", quantity: "0.2997" }]);
      const account = (await t.http.get("/v1/accounts/binance-local").set(t.auth())).body;
      expect(account).toMatchObject({ kind: "live" });
      expect(restarted.liveAccounts.status.statusOf("binance-local").reconciliation).toMatchObject({ status: "in_sync" });
    } finally {
      await restarted.processing.stop();
      await restarted.liveVenues.stop();
    }
  });
});
