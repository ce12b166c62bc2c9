import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest, TestExchange } from "../exchange/server.js";
import { startLiveTestApp, type LiveTestApp } from "../helpers/live-app.js";
import type { TestApp } from "../helpers/harness.js";
// After the harness: it loads the app (and zod's OpenAPI extension) first, as the gateway does.
import { findOrderById, type StoredOrder } from "../../src/db/repositories/trading-repository.js";
import { createStrategy } from "../helpers/strategies.js";
import { OffsetClock, sendAlert, waitProcessed } from "../helpers/trading.js";

// A strategy's limitFallback on an exchange account: the limit is cancelled at the exchange first,
// then expired in our books, and in market mode its remainder goes out at market, once.
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: null };
const ACCOUNT = "binance-fallback";

let x: TestExchange;
let t: TestApp;
const clock = new OffsetClock();
let advanced = 0;
/** Moves the gateway's clock on; each test's moves are undone after it, so the next starts at real time. */
const later = (ms: number) => {
  clock.advance(ms);
  advanced += ms;
};
afterEach(() => later(-advanced));

const sent = (r: RecordedRequest) => new URLSearchParams(r.body !== "" ? r.body : r.query);
const stored = async (id: string) => (await findOrderById(t.services.database.db, id)) as StoredOrder;
const atExchange = (clientOrderId: string) => x.orders().filter((o) => o.clientOrderId === clientOrderId);
const writesSince = (from: number) => x.requests().slice(from).filter((r) => r.method !== "GET");

async function restingBuy(to: "market" | "cancel", extra: Record<string, string> = {}) {
  const strategy = await createStrategy(t, {
    mode: "live", accountId: ACCOUNT, defaultOrderType: { type: "limit", offsetBps: "100" }, limitFallback: { afterSeconds: 30, to }, riskLimits: OPEN_LIMITS,
  });
  const signal = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000", ...extra });
  const limit = await stored(signal.trace.orders[0]!.id);
  expect(limit).toMatchObject({ kind: "limit", status: "submitted", limitPrice: "2970", venueOrderId: expect.any(String) });
  return { signal, limit };
}

let live: LiveTestApp | undefined;
beforeAll(async () => {
  live = await startLiveTestApp({ account: ACCOUNT, clock, exchange: { balances: { USDT: "20000" }, prices: { ETHUSDT: "3000" }, commissionRate: "0.001", stopOrders: "none" } });
  ({ t, x } = live);
}, 30_000);
afterAll(() => live?.close());

describe("limitFallback on an exchange account", () => {
  it("cancels a limit past its timeout at the exchange, expires it, and sends its remainder at market once", async () => {
    const { signal, limit } = await restingBuy("market");
    const from = x.requests().length;
    // Not due yet: the sweep leaves it working.
    later(29_000);
    expect(await t.services.limitFallback.sweepOnce()).toEqual([]);
    expect(writesSince(from)).toEqual([]);

    later(2_000);
    const [result] = await t.services.limitFallback.sweepOnce();
    expect(result).toMatchObject({ orderId: limit.id, expired: true, replacement: { outcome: "approved", reason: null, duplicate: false } });
    // The cancel first, then the market order: never both working at once.
    const writes = writesSince(from);
    expect(writes.map((r) => [r.method, r.method === "POST" ? sent(r).get("type") : sent(r).get("orderId")])).toEqual([
      ["DELETE", limit.venueOrderId],
      ["POST", "MARKET"],
    ]);
    expect(atExchange(limit.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
    const trace = (await waitProcessed(t, signal.id)).trace;
    expect(trace.orders).toMatchObject([
      { id: limit.id, kind: "limit", status: "expired", rejectReason: "LIMIT_TIMEOUT", filledQuantity: "0" },
      { id: result?.replacement?.orderId, leg: 1000, kind: "market", side: "buy", quantity: "0.1", status: "filled", filledQuantity: "0.1" },
    ]);
    expect(trace.positions).toMatchObject([{ quantity: "0.0999", status: "open" }]);

    // A later sweep finds nothing to do: the replacement is never sent twice.
    later(60_000);
    expect(await t.services.limitFallback.sweepOnce()).toEqual([]);
    expect(writesSince(from)).toHaveLength(2);
  });

  it("a partly filled limit expires with what it filled, protected at once, and only its remainder goes out at market", async () => {
    const { signal, limit } = await restingBuy("market", { sl: "2800" });
    x.fillPart(limit.clientOrderId, "0.04");
    later(31_000);
    const [result] = await t.services.limitFallback.sweepOnce();
    expect(result).toMatchObject({ orderId: limit.id, expired: true, replacement: { outcome: "approved" } });
    const trace = (await waitProcessed(t, signal.id)).trace;
    const entries = trace.orders.filter((o) => o.role === "entry").map((o) => [o.kind, o.status, o.quantity, o.filledQuantity]);
    expect(entries).toEqual([
      ["limit", "expired", "0.1", "0.04"],
      ["market", "filled", "0.06", "0.06"],
    ]);
    // Each part has its stop-loss, held by the gateway: the limit's for the 0.04 it bought less the
    // commission, at once; the replacement's for its own fill.
    const stops = trace.orders.filter((o) => o.role === "stop_loss").map((o) => [o.status, o.quantity]);
    expect(stops).toEqual([
      ["submitted", "0.03996"],
      ["submitted", "0.06"],
    ]);
    expect(trace.positions).toMatchObject([{ quantity: "0.0999", status: "open" }]);
  });

  it("in cancel mode only cancels it at the exchange and expires it", async () => {
    const { signal, limit } = await restingBuy("cancel");
    const from = x.requests().length;
    later(31_000);
    expect(await t.services.limitFallback.sweepOnce()).toEqual([{ orderId: limit.id, expired: true, replacement: null }]);
    expect(writesSince(from).map((r) => r.method)).toEqual(["DELETE"]);
    expect(atExchange(limit.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
    expect((await waitProcessed(t, signal.id)).trace.orders).toMatchObject([{ id: limit.id, status: "expired", rejectReason: "LIMIT_TIMEOUT" }]);
  });

  it("a limit that filled at the exchange before the sweep is booked filled, its commission read from its trades, and nothing replaces it", async () => {
    // The gateway's clock runs 10 s ahead of the exchange's: the trades' times precede the order's.
    later(10_000);
    const { signal, limit } = await restingBuy("market");
    // The exchange fills it; our books have not heard yet (no reconciliation pass).
    x.setPrice("ETHUSDT", "2960");
    try {
      expect(atExchange(limit.clientOrderId).map((o) => o.status)).toEqual(["FILLED"]);
      const from = x.requests().length;
      later(31_000);
      expect(await t.services.limitFallback.sweepOnce()).toEqual([{ orderId: limit.id, expired: false, replacement: null }]);
      expect(writesSince(from).filter((r) => r.method === "POST")).toEqual([]);
      const trace = (await waitProcessed(t, signal.id)).trace;
      expect(trace.orders).toMatchObject([{ id: limit.id, status: "filled", rejectReason: null, filledQuantity: "0.1" }]);
      expect(trace.positions).toMatchObject([{ quantity: "0.0999", status: "open" }]);
    } finally {
      x.setPrice("ETHUSDT", "3000");
    }
  });

  it("an operator's cancel while the fallback waits on the exchange ends it there: nothing replaces the order", async () => {
    const { limit } = await restingBuy("market");
    const refuse = { kind: "binanceError", status: 400, code: -2011, msg: "Order was not canceled due to cancel restrictions." } as const;
    x.faults.inject(refuse, { times: 2, match: { method: "DELETE", path: "/api/v3/order" } });
    later(31_000);
    expect(await t.services.limitFallback.sweepOnce()).toEqual([{ orderId: limit.id, expired: false, replacement: null }]);
    expect(await stored(limit.id)).toMatchObject({ status: "submitted", rejectReason: "LIMIT_FALLBACK_PENDING" });

    const cancelled = await t.http.post(`/v1/orders/${limit.id}/cancel`).set(t.auth());
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const from = x.requests().length;
    expect(await t.services.limitFallback.sweepOnce()).toEqual([{ orderId: limit.id, expired: false, replacement: null }]);
    expect(writesSince(from).filter((r) => r.method === "POST")).toEqual([]);
    expect(await stored(limit.id)).toMatchObject({ status: "cancelled", rejectReason: null });
    // Settled: later sweeps leave it.
    expect(await t.services.limitFallback.sweepOnce()).toEqual([]);
  });

  it("a cancel the exchange does not take now leaves the order to the next sweep, which finishes it; reconciliation leaves it alone meanwhile", async () => {
    const { signal, limit } = await restingBuy("market");
    const refuse = { kind: "binanceError", status: 400, code: -2011, msg: "Order was not canceled due to cancel restrictions." } as const;
    x.faults.inject(refuse, { times: 2, match: { method: "DELETE", path: "/api/v3/order" } });
    try {
      later(31_000);
      expect(await t.services.limitFallback.sweepOnce()).toEqual([{ orderId: limit.id, expired: false, replacement: null }]);
      expect(x.faults.pending()).toHaveLength(0);
      expect(await stored(limit.id)).toMatchObject({ status: "submitted", rejectReason: "LIMIT_FALLBACK_PENDING" });
      expect(atExchange(limit.clientOrderId).map((o) => o.status)).toEqual(["NEW"]);
      await t.services.liveVenues.reconcileNow();
      expect(await stored(limit.id)).toMatchObject({ status: "submitted", rejectReason: "LIMIT_FALLBACK_PENDING" });

      const [result] = await t.services.limitFallback.sweepOnce();
      expect(result).toMatchObject({ orderId: limit.id, expired: true, replacement: { outcome: "approved" } });
      expect(atExchange(limit.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
      expect((await waitProcessed(t, signal.id)).trace.orders).toMatchObject([
        { id: limit.id, status: "expired", rejectReason: "LIMIT_TIMEOUT" },
        { leg: 1000, kind: "market", status: "filled" },
      ]);
    } finally {
      x.faults.clear();
    }
  });
});
