import { afterAll, beforeAll, describe, expect, it } from "vitest";
// First: the harness loads the app, which extends zod with .openapi before any schema is built.
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { clientOrderId } from "../../src/execution/client-order-id.js";
import { sweepTimedOutLimits, type FallbackResult } from "../../src/execution/limit-fallback/sweep.js";
import { placeOrder } from "../../src/execution/place-order.js";
import { DEFAULT_RISK_LIMITS } from "../../src/risk/limits.js";
import { placeOrder as placeManualOrder } from "../helpers/manual-trading.js";
import { createStrategy } from "../helpers/strategies.js";
import { OffsetClock, sendAlert, waitProcessed, type ProcessedSignal } from "../helpers/trading.js";

/**
 * Each block has its own app, database and offset clock. The timer is off (LIMIT_FALLBACK_SWEEP_MS
 * 0) where a test runs the sweep itself, so nothing sweeps behind its back; one block runs on the
 * timer to show it is wired. Every test trades its own symbol, so a price from one never crosses
 * another's resting limit.
 */
const ENV = { PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "10", PAPER_MAKER_FEE_BPS: "10" };
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null };

/** A strategy whose entries go out as limits 1 % inside the price (a buy at 2.5 rests at 2.475). */
const limitStrategy = (t: TestApp, limitFallback: unknown, riskLimits: Record<string, unknown> = {}) =>
  createStrategy(t, { defaultOrderType: { type: "limit", offsetBps: "100" }, limitFallback, riskLimits: { ...OPEN_LIMITS, ...riskLimits } });

const marketStrategy = (t: TestApp, extra: Record<string, unknown> = {}) => createStrategy(t, { riskLimits: OPEN_LIMITS, ...extra });

const trace = async (t: TestApp, signal: { id: string }): Promise<ProcessedSignal> => waitProcessed(t, signal.id);

async function order(t: TestApp, id: string): Promise<Record<string, unknown>> {
  const res = await t.http.get(`/v1/orders/${id}`).set(t.auth());
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

const about = (results: FallbackResult[], orderId: string) => results.filter((r) => r.orderId === orderId);

describe("limit fallback, swept on demand", () => {
  const clock = new OffsetClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...ENV, LIMIT_FALLBACK_SWEEP_MS: "0" }, { clock });
  });
  afterAll(() => t.close());

  it("leaves a resting entry alone until the timeout, then expires it and buys the remainder at market", async () => {
    const s = await limitStrategy(t, { afterSeconds: 30, to: "market" });
    const entry = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", quantity: "100", price: "2.5" });
    expect(entry.trace.orders).toMatchObject([{ leg: 0, kind: "limit", limitPrice: "2.475", status: "submitted" }]);
    const limitId = entry.trace.orders[0]!.id;

    clock.advance(29_000);
    expect(about(await t.services.limitFallback.sweepOnce(), limitId)).toEqual([]);
    expect((await order(t, limitId)).status).toBe("submitted");

    clock.advance(2_000);
    const [result] = about(await t.services.limitFallback.sweepOnce(), limitId);
    expect(result).toMatchObject({ expired: true, replacement: { outcome: "approved", reason: null, duplicate: false } });

    const after = await trace(t, entry);
    expect(after.trace.orders).toMatchObject([
      { id: limitId, leg: 0, role: "entry", kind: "limit", status: "expired", filledQuantity: "0" },
      // The last price (the alert's 2.5) is the market order's fill, the whole 100 that never filled.
      { leg: 1000, role: "entry", side: "buy", kind: "market", quantity: "100", status: "filled", averageFillPrice: "2.5", fills: [{ quantity: "100", price: "2.5" }] },
    ]);
    expect(after.trace.decisions).toMatchObject([
      { leg: 0, outcome: "approved", orderId: limitId },
      { leg: 1000, outcome: "approved", orderId: result?.replacement?.orderId },
    ]);
    expect(after.trace.positions).toMatchObject([{ symbol: "XRP/USDT", quantity: "100", averageEntryPrice: "2.5", status: "open" }]);
    expect(await order(t, limitId)).toMatchObject({ status: "expired", rejectReason: "LIMIT_TIMEOUT" });
    expect(await order(t, result?.replacement?.orderId as string)).toMatchObject({
      signalId: entry.id,
      reduceOnly: false,
      clientOrderId: clientOrderId(entry.id, 1000, "entry"),
    });
  });

  it("leaves a limit that filled before the timeout, and its protection, untouched", async () => {
    const s = await limitStrategy(t, { afterSeconds: 30 });
    const entry = await sendAlert(t, s, { ticker: "ADAUSDT", action: "buy", quantity: "10", price: "1", tp: "1.2" });
    // Another strategy's price of 0.98 crosses the 0.99 limit: it fills, and its take-profit (a limit too) rests.
    await sendAlert(t, await marketStrategy(t), { ticker: "ADAUSDT", action: "sell", quantity: "10", price: "0.98" });
    const filled = await trace(t, entry);
    expect(filled.trace.orders.map((o) => [o.role, o.kind, o.status])).toEqual([
      ["entry", "limit", "filled"],
      ["take_profit", "limit", "submitted"],
    ]);

    clock.advance(31_000);
    const results = await t.services.limitFallback.sweepOnce();
    for (const o of filled.trace.orders) expect(about(results, o.id)).toEqual([]);
    const after = await trace(t, entry);
    expect(after.trace.orders.map((o) => [o.role, o.status])).toEqual([
      ["entry", "filled"],
      ["take_profit", "submitted"],
    ]);
    expect(after.trace.decisions).toHaveLength(1);
  });

  it("only expires the order in cancel mode", async () => {
    const s = await limitStrategy(t, { afterSeconds: 5, to: "cancel" });
    const entry = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "buy", quantity: "100", price: "0.2" });
    const limitId = entry.trace.orders[0]!.id;
    clock.advance(5_000);
    expect(about(await t.services.limitFallback.sweepOnce(), limitId)).toEqual([{ orderId: limitId, expired: true, replacement: null }]);
    const after = await trace(t, entry);
    expect(after.trace.orders).toMatchObject([{ id: limitId, status: "expired" }]);
    expect(after.trace.decisions).toHaveLength(1);
    expect(after.trace.positions).toEqual([]);
    expect(await order(t, limitId)).toMatchObject({ rejectReason: "LIMIT_TIMEOUT" });
  });

  it("sends a timed-out limit exit at market, reduce-only, and closes the position", async () => {
    const s = await marketStrategy(t, { limitFallback: { afterSeconds: 10 } });
    await sendAlert(t, s, { ticker: "SOLUSDT", action: "buy", quantity: "1", price: "200" });
    const exit = await sendAlert(t, s, { ticker: "SOLUSDT", action: "exit_long", type: "limit", limit_price: "208", price: "200" });
    expect(exit.trace.orders).toMatchObject([{ role: "exit", side: "sell", kind: "limit", limitPrice: "208", status: "submitted" }]);
    clock.advance(10_000);
    await t.services.limitFallback.sweepOnce();
    const after = await trace(t, exit);
    expect(after.trace.orders).toMatchObject([
      { leg: 0, role: "exit", kind: "limit", status: "expired" },
      { leg: 1000, role: "exit", side: "sell", kind: "market", quantity: "1", status: "filled", averageFillPrice: "200" },
    ]);
    expect(await order(t, after.trace.orders[1]!.id)).toMatchObject({ reduceOnly: true });
    expect(after.trace.positions).toMatchObject([{ symbol: "SOL/USDT", quantity: "0", status: "closed" }]);
  });

  it("places one replacement when sweeps race, and a retried placement finds it instead of a twin", async () => {
    const s = await limitStrategy(t, { afterSeconds: 30 });
    const entry = await sendAlert(t, s, { ticker: "BNBUSDT", action: "buy", quantity: "0.1", price: "600" });
    const limitId = entry.trace.orders[0]!.id;
    clock.advance(30_000);
    // Two instances' sweeps at once: both may see the order due; the symbol lock lets one act.
    const ctx = t.services.trading;
    const raced = about((await Promise.all([sweepTimedOutLimits(ctx), sweepTimedOutLimits(ctx), t.services.limitFallback.sweepOnce()])).flat(), limitId);
    expect(raced.filter((r) => r.expired)).toHaveLength(1);
    expect(about(await t.services.limitFallback.sweepOnce(), limitId)).toEqual([]);

    const after = await trace(t, entry);
    expect(after.trace.orders.map((o) => [o.leg, o.kind, o.status])).toEqual([
      [0, "limit", "expired"],
      [1000, "market", "filled"],
    ]);
    expect(after.trace.positions).toMatchObject([{ quantity: "0.1" }]);

    // After a crash the same replacement would be asked for again: its client order id finds it.
    const again = await placeOrder({
      ctx,
      input: {
        accountId: "acc_paper",
        strategyId: s.id,
        symbol: "BNB/USDT",
        side: "buy",
        kind: "market",
        quantity: "0.1",
        reduceOnly: false,
        role: "entry",
        origin: { signalId: entry.id },
        leg: 1000,
        limits: DEFAULT_RISK_LIMITS,
      },
    });
    expect(again).toMatchObject({ duplicate: true, order: { id: after.trace.orders[1]!.id } });
    expect((await trace(t, entry)).trace.orders).toHaveLength(2);
  });

  it("never times out a manual limit order", async () => {
    const s = await limitStrategy(t, { afterSeconds: 1 });
    await sendAlert(t, await marketStrategy(t), { ticker: "ETHUSDT", action: "exit_long", price: "4000" });
    const res = await placeManualOrder(t, { strategy: s.key, symbol: "ETH/USDT", side: "buy", kind: "limit", quantity: "0.01", limitPrice: "3960" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    clock.advance(5_000);
    expect(about(await t.services.limitFallback.sweepOnce(), res.body.order.id)).toEqual([]);
    expect((await order(t, res.body.order.id)).status).toBe("submitted");
  });
});

describe("the limitFallback setting", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LIMIT_FALLBACK_SWEEP_MS: "0" });
  });
  afterAll(() => t.close());

  it("is off by default and is set and cleared with PATCH", async () => {
    const s = await createStrategy(t);
    expect((await t.http.get(`/v1/strategies/${s.id}`).set(t.auth())).body.limitFallback).toBeNull();
    const set = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ limitFallback: { afterSeconds: 45 } });
    expect(set.status).toBe(200);
    expect(set.body.limitFallback).toEqual({ afterSeconds: 45, to: "market" });
    const cancel = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ limitFallback: { afterSeconds: 600, to: "cancel" } });
    expect(cancel.body.limitFallback).toEqual({ afterSeconds: 600, to: "cancel" });
    const off = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ limitFallback: null });
    expect(off.body.limitFallback).toBeNull();
  });

  it("reports every violation at once", async () => {
    const res = await t.http
      .post("/v1/strategies")
      .set(t.auth())
      .send({ key: "bad-fallback", name: "bad", limitFallback: { afterSeconds: 0, to: "limit", later: true }, oppositeSignal: "flip" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["limitFallback.afterSeconds", "limitFallback.to", "oppositeSignal"]));
    expect(paths.filter((p: string) => p.startsWith("limitFallback")).length).toBeGreaterThanOrEqual(3);
    const tooLong = await t.http.patch(`/v1/strategies/${(await createStrategy(t)).id}`).set(t.auth()).send({ limitFallback: { afterSeconds: 86_401 } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toMatchObject([{ path: "limitFallback.afterSeconds" }]);
  });
});

describe("limit fallback on the timer, with partial fills", () => {
  const clock = new OffsetClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...ENV, PAPER_PARTIAL_FILL_RATIO: "0.5", LIMIT_FALLBACK_SWEEP_MS: "50" }, { clock });
  });
  afterAll(() => t.close());

  it("sends only the unfilled remainder at market", async () => {
    const s = await limitStrategy(t, { afterSeconds: 30 });
    const entry = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", quantity: "100", price: "2.5" });
    // 2.47 crosses the 2.475 limit; half of the remainder fills per price event.
    await sendAlert(t, await marketStrategy(t), { ticker: "XRPUSDT", action: "sell", quantity: "10", price: "2.47" });
    expect((await trace(t, entry)).trace.orders).toMatchObject([{ status: "partially_filled", filledQuantity: "50" }]);

    clock.advance(31_000);
    let after = await trace(t, entry);
    for (const deadline = Date.now() + 5_000; after.trace.orders.length < 2 && Date.now() < deadline; after = await trace(t, entry)) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(after.trace.orders).toMatchObject([
      { leg: 0, kind: "limit", quantity: "100", status: "expired", filledQuantity: "50", averageFillPrice: "2.475" },
      { leg: 1000, kind: "market", quantity: "50", status: "filled", averageFillPrice: "2.47" },
    ]);
    // 50 at 2.475 and 50 at 2.47: 100 at 2.4725.
    expect(after.trace.positions).toMatchObject([{ quantity: "100", averageEntryPrice: "2.4725", status: "open" }]);
  });
});

describe("an entry that ends after a partial fill keeps its protection for the filled part", () => {
  const clock = new OffsetClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...ENV, PAPER_PARTIAL_FILL_RATIO: "0.5", LIMIT_FALLBACK_SWEEP_MS: "0" }, { clock });
  });
  afterAll(() => t.close());

  /** A 100 XRP limit entry at 2.475 with a stop at 2.3 and a target at 2.7, half filled by a crossing price. */
  async function halfFilledEntry(limitFallback: unknown) {
    const s = await limitStrategy(t, limitFallback);
    const entry = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", quantity: "100", price: "2.5", sl: "2.3", tp: "2.7" });
    await sendAlert(t, await marketStrategy(t), { ticker: "XRPUSDT", action: "sell", quantity: "10", price: "2.47" });
    expect((await trace(t, entry)).trace.orders).toMatchObject([{ role: "entry", status: "partially_filled", filledQuantity: "50" }]);
    return entry;
  }
  const protection = (p: ProcessedSignal) =>
    p.trace.orders.filter((o: { role: string }) => o.role === "stop_loss" || o.role === "take_profit").map((o: Record<string, unknown>) => [o.role, o.kind, o.quantity, o.stopPrice ?? o.limitPrice, o.side, o.status]);

  it("expired by the sweep (cancel mode): a stop and a target for the 50 that filled", async () => {
    const entry = await halfFilledEntry({ afterSeconds: 30, to: "cancel" });
    clock.advance(31_000);
    await t.services.limitFallback.sweepOnce();
    expect(protection(await trace(t, entry))).toEqual([
      ["stop_loss", "stop", "50", "2.3", "sell", "submitted"],
      ["take_profit", "limit", "50", "2.7", "sell", "submitted"],
    ]);
  });

  it("cancelled by an operator: the same", async () => {
    const entry = await halfFilledEntry(null);
    const limitId = (await trace(t, entry)).trace.orders[0]!.id;
    const res = await t.http.post(`/v1/orders/${limitId}/cancel`).set(t.auth()).send();
    expect(res.status).toBe(200);
    expect(protection(await trace(t, entry))).toEqual([
      ["stop_loss", "stop", "50", "2.3", "sell", "submitted"],
      ["take_profit", "limit", "50", "2.7", "sell", "submitted"],
    ]);
  });
});

describe("limit fallback while the account is HALTED", () => {
  const clock = new OffsetClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...ENV, LIMIT_FALLBACK_SWEEP_MS: "0" }, { clock });
  });
  afterAll(() => t.close());

  it("expires the limit and stores the replacement's denial; nothing fills", async () => {
    const s = await limitStrategy(t, { afterSeconds: 30 });
    const entry = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", quantity: "100", price: "2.5" });
    const limitId = entry.trace.orders[0]!.id;
    // An operator's HALT would cancel the limit itself; the daily loss limit halts the account and leaves it resting.
    const loser = await marketStrategy(t, { riskLimits: { ...OPEN_LIMITS, maxDailyLossPercent: "0.05", dailyLossAction: "HALTED" } });
    await sendAlert(t, loser, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
    await sendAlert(t, loser, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "90000" });
    const denied = await sendAlert(t, loser, { ticker: "SOLUSDT", action: "buy", quantity: "0.1", price: "200" });
    expect(denied.trace.decisions).toMatchObject([{ outcome: "denied", reason: "DAILY_LOSS_LIMIT" }]);
    expect((await order(t, limitId)).status).toBe("submitted");

    clock.advance(30_000);
    expect(about(await t.services.limitFallback.sweepOnce(), limitId)).toMatchObject([
      { expired: true, replacement: { outcome: "denied", reason: "TRADING_HALTED", orderId: null } },
    ]);
    const after = await trace(t, entry);
    expect(after.trace.orders).toMatchObject([{ id: limitId, status: "expired", fills: [] }]);
    expect(after.trace.decisions).toMatchObject([
      { leg: 0, outcome: "approved" },
      { leg: 1000, outcome: "denied", reason: "TRADING_HALTED", limit: "tradingState.account=HALTED", orderId: null },
    ]);
    expect(after.trace.positions).toEqual([]);
  });
});
