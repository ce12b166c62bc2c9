import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
// First: the harness loads the app, which extends zod with .openapi before any schema is built.
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { startTestExchange, type TestExchange } from "../exchange/server.js";
import { createStrategy } from "../helpers/strategies.js";
import { OffsetClock, sendAlert, type ProcessedSignal } from "../helpers/trading.js";
import { parseExposition } from "../helpers/prometheus-text.js";
import { startMarketDataApp, type MarketDataApp } from "../helpers/market-data-app.js";
import type { Receiver } from "./notifications-receivers.js";

/**
 * The paper price feed (MARKET_DATA_EXCHANGE) against a local exchange speaking Binance's API,
 * through ccxt's real binance class. The timer is off: each test runs a pass itself. The exchange
 * lists BTCUSDT and ETHUSDT only; each test trades its own symbol. A webhook sink takes
 * price_feed.unhealthy.
 */
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null };

type Order = { id: string; role: string; status: string; fills: Array<{ price: string; realizedPnl: string; liquidity?: string }> };

describe("paper price feed", () => {
  const clock = new OffsetClock();
  let x: TestExchange;
  let t: TestApp;
  let hook: Receiver;
  let app: MarketDataApp;
  beforeAll(async () => {
    x = await startTestExchange({ apiKey: "feed-test-key", secret: "feed-test-secret", prices: { BTCUSDT: "50000", ETHUSDT: "3000" } });
    app = await startMarketDataApp({ x, events: ["price_feed.unhealthy"], clock, env: { PAPER_SLIPPAGE_BPS: "0" } });
    t = app.t;
    hook = app.hook;
  });
  afterAll(async () => {
    await app?.close();
    await x?.close();
  });

  // What every pass of this block did, summed: GET /metrics must say the same.
  const tally = { marked: 0, unchanged: 0, missing: 0 };
  const pass = async () => {
    const done = await t.services.paperPrices.runOnce();
    tally.marked += done.marked;
    tally.missing += done.missing;
    tally.unchanged += done.symbols - done.marked - done.missing;
    return done;
  };
  const paperAccount = async () => (await t.http.get("/v1/accounts/acc_paper").set(t.auth())).body as Record<string, unknown>;
  const feedEvents = async () => {
    await t.services.notifications.dispatcher.runOnce();
    return hook.json<{ type: string; data: Record<string, unknown> }>();
  };

  // A strategy per test, so that each signal opens a position of its own.
  const alert = async (body: Record<string, unknown>) => sendAlert(t, await createStrategy(t, { riskLimits: OPEN_LIMITS }), body);
  const ordersOf = async (signal: ProcessedSignal): Promise<Record<string, Order>> => {
    const res = await t.http.get(`/v1/signals/${signal.id}`).set(t.auth());
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.trace.orders as Order[]).map((o) => [o.role, o]));
  };
  const positionOf = async (signal: ProcessedSignal): Promise<Record<string, unknown>> => {
    const id = (signal.trace.positions[0] as { id: string }).id;
    const res = await t.http.get(`/v1/positions/${id}`).set(t.auth());
    expect(res.status).toBe(200);
    return res.body as Record<string, unknown>;
  };

  it("fires a stop-loss when the exchange's price crosses it, with no signal in between", async () => {
    const entry = await alert({ ticker: "BTCUSDT", action: "buy", quantity: "0.01", price: "50000", sl: "49000", tp: "52000" });
    expect(Object.values(await ordersOf(entry)).map((o) => [o.role, o.status])).toEqual([
      ["entry", "filled"],
      ["stop_loss", "submitted"],
      ["take_profit", "submitted"],
    ]);

    expect(await paperAccount()).toMatchObject({ venueHealth: "ok", priceFeed: { exchange: "binance", status: "unknown", checkedAt: null, detail: null } });
    x.setPrice("BTCUSDT", "48900");
    expect(await pass()).toEqual({ symbols: 1, marked: 1, fills: 1, missing: 0, unpriced: [] });

    const orders = await ordersOf(entry);
    // A stop-market fills at the event price as a taker: (48900 − 50000) × 0.01 = −11.
    expect(orders.stop_loss).toMatchObject({ status: "filled", fills: [{ price: "48900", realizedPnl: "-11" }] });
    expect(orders.take_profit?.status).toBe("cancelled");
    expect(await positionOf(entry)).toMatchObject({ status: "closed", quantity: "0", realizedPnl: "-11" });

    // Nothing is left in play in the symbol: the next pass asks the exchange for nothing.
    const asked = x.requests().length;
    expect(await pass()).toEqual({ symbols: 0, marked: 0, fills: 0, missing: 0, unpriced: [] });
    expect(x.requests().length).toBe(asked);
    expect(await paperAccount()).toMatchObject({ venueHealth: "ok", priceFeed: { status: "ok", checkedAt: expect.any(String), detail: null } });
  });

  it("prices a perpetual from the exchange's futures market, and fires its stop", async () => {
    const entry = await alert({ ticker: "BTCUSDT.P", action: "buy", quantity: "0.01", price: "50000", sl: "49500" });
    expect(entry.trace.positions).toMatchObject([{ symbol: "BTC/USDT:USDT", quantity: "0.01", status: "open" }]);
    x.setPrice("BTCUSDT", "49400");
    expect(await pass()).toMatchObject({ symbols: 1, marked: 1, fills: 1, missing: 0 });
    expect(x.requests().some((r) => r.path === "/fapi/v2/ticker/price")).toBe(true);
    expect((await ordersOf(entry)).stop_loss).toMatchObject({ status: "filled", fills: [{ price: "49400" }] });
    expect(await positionOf(entry)).toMatchObject({ status: "closed" });
  });

  it("moves an open position's mark, and its unrealized PnL, without filling what the price does not cross", async () => {
    const entry = await alert({ ticker: "ETHUSDT", action: "buy", quantity: "0.3", price: "3000", sl: "2900" });
    x.setPrice("ETHUSDT", "3042.5");
    expect(await pass()).toMatchObject({ marked: 1, fills: 0, missing: 0 });
    // (3042.5 − 3000) × 0.3
    const position = await positionOf(entry);
    expect(position).toMatchObject({ status: "open", markPrice: "3042.5", markSource: "market", unrealizedPnl: "12.75" });
    // Seen at the pass, after the signal that opened the position.
    expect(Date.parse(position.markedAt as string)).toBeGreaterThan(Date.parse(position.openedAt as string));
    expect((await ordersOf(entry)).stop_loss?.status).toBe("submitted");
  });

  it("keeps a mark newer than the price it reads: a signal's price recorded after the feed's read stands", async () => {
    const entry = await alert({ ticker: "ETHUSDT", action: "buy", quantity: "0.3", price: "3050" });
    // The feed's clock a minute behind the signal's: its price is older than the mark and moves nothing,
    // not even the stop of the position before (2900), which the exchange's price now crosses.
    x.setPrice("ETHUSDT", "2800");
    clock.advance(-60_000);
    try {
      expect(await pass()).toEqual({ symbols: 1, marked: 0, fills: 0, missing: 0, unpriced: [] });
      expect(await positionOf(entry)).toMatchObject({ status: "open", markPrice: "3050", markSource: "signal" });
    } finally {
      clock.advance(60_000);
    }
    expect(await pass()).toMatchObject({ marked: 1, fills: 1 });
    expect(await positionOf(entry)).toMatchObject({ status: "open", markPrice: "2800" });
  });

  it("shows on a paper account from its creation, as GET shows it", async () => {
    const created = await t.http.post("/v1/accounts").set(t.auth()).send({ name: "feed desk", startingCash: "100" });
    expect(created.status).toBe(201);
    const got = await t.http.get(`/v1/accounts/${created.body.id}`).set(t.auth());
    expect(created.body.priceFeed).toEqual(got.body.priceFeed);
    expect(created.body.priceFeed).toMatchObject({ exchange: "binance" });
  });

  describe("when the exchange gives no price", () => {
    afterEach(() => x.setPrice("ETHUSDT", "3000"));

    it("keeps the marks of a symbol it does not list, says so on the paper account and in one notification, and moves the others", async () => {
      const sol = await alert({ ticker: "SOLUSDT", action: "buy", quantity: "1", price: "200", sl: "190" });
      x.setPrice("ETHUSDT", "3100");
      const done = await pass();
      expect(done).toMatchObject({ missing: 1, marked: 1, unpriced: [{ symbol: "SOL/USDT", reason: "SYMBOL_NOT_LISTED", detail: "binance does not list SOL/USDT" }] });
      expect(await positionOf(sol)).toMatchObject({ status: "open", markPrice: "200" });
      expect(t.logs.lines().find((l) => l.msg === "no market price for a paper symbol; its mark stays" && l.symbol === "SOL/USDT")).toMatchObject({
        reason: "SYMBOL_NOT_LISTED",
      });
      const detail = "no price for SOL/USDT (SYMBOL_NOT_LISTED)";
      expect(await paperAccount()).toMatchObject({ venueHealth: "degraded", priceFeed: { exchange: "binance", status: "degraded", detail } });
      // Still degraded on the next pass: no second notification, no second warning.
      await pass();
      expect(t.logs.lines().filter((l) => l.msg === "no market price for a paper symbol; its mark stays" && l.symbol === "SOL/USDT")).toHaveLength(1);
      expect((await feedEvents()).map((e) => [e.type, e.data.health, e.data.previousHealth, e.data.detail])).toEqual([["price_feed.unhealthy", "degraded", "ok", detail]]);
    });

    it("moves nothing while the exchange fails, shows the feed unavailable, and the next pass catches up", async () => {
      const before = await pass();
      x.faults.inject({ kind: "status", status: 503 }, { match: { path: "/api/v3/ticker/price" } });
      x.setPrice("ETHUSDT", "3200");
      expect(await pass()).toMatchObject({ marked: 0, fills: 0, missing: before.symbols });
      expect(t.logs.lines().some((l) => l.msg === "no market price for a paper symbol; its mark stays" && l.reason === "VENUE_UNAVAILABLE")).toBe(true);
      expect(await paperAccount()).toMatchObject({ venueHealth: "unavailable", priceFeed: { status: "unavailable" } });
      expect((await feedEvents()).filter((e) => e.data.health === "unavailable").map((e) => e.data.previousHealth)).toEqual(["degraded"]);
      expect(await pass()).toMatchObject({ missing: 1 }); // SOL/USDT only
      expect(await paperAccount()).toMatchObject({ venueHealth: "degraded" });
      expect(t.logs.lines().some((l) => l.msg === "market prices for a paper symbol again" && l.symbol === "ETH/USDT")).toBe(true);
    });
  });

  it("counts on GET /metrics what its passes did", async () => {
    expect(tally.unchanged).toBeGreaterThan(0);
    expect(tally.missing).toBeGreaterThan(0);
    const res = await t.http.get("/metrics");
    const read = Object.fromEntries(
      parseExposition(res.text)
        .filter((m) => m.name === "signal_gateway_market_prices_read_total")
        .map((m) => [m.labels.outcome, m.value]),
    );
    expect(read).toEqual(tally);
  });
});

describe("paper prices without a feed", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("come from signals only: a pass does nothing, even with a position open", async () => {
    const s = await createStrategy(t, { riskLimits: OPEN_LIMITS });
    await sendAlert(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "50000", sl: "49000" });
    expect(await t.services.paperPrices.runOnce()).toEqual({ symbols: 0, marked: 0, fills: 0, missing: 0, unpriced: [] });
    const account = (await t.http.get("/v1/accounts/acc_paper").set(t.auth())).body as Record<string, unknown>;
    expect(account.venueHealth).toBe("ok");
    expect(account).not.toHaveProperty("priceFeed");
  });
});
