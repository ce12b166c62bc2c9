import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest, TestExchange } from "../exchange/server.js";
import type { TestApp } from "../helpers/harness.js";
import { startLiveTestApp, type LiveTestApp } from "../helpers/live-app.js";
// After the harness: it loads the app (and zod's OpenAPI extension) first, as the gateway does.
import { findOrderById, type StoredOrder } from "../../src/db/repositories/trading-repository.js";
import { createStrategy } from "../helpers/strategies.js";
import { sendAlert, waitProcessed, type ProcessedSignal } from "../helpers/trading.js";

// A signal's limit exit resting at the exchange must never outlive its position there: on Binance
// spot it locks the coins a stop's exit has to sell, and once the position is flat it would sell
// (or, on a futures account, reduce) the next position, which no signal asked to exit.
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: null };
const ACCOUNT = "binance-exits";

let x: TestExchange;
let t: TestApp;

const sent = (r: RecordedRequest) => new URLSearchParams(r.body !== "" ? r.body : r.query);
const stored = async (id: string) => (await findOrderById(t.services.database.db, id)) as StoredOrder;
const ofRole = (s: ProcessedSignal, role: string) => s.trace.orders.filter((o) => o.role === role);
const atExchange = (clientOrderId: string) => x.orders().filter((o) => o.clientOrderId === clientOrderId);
const writesSince = (from: number) => x.requests().slice(from).filter((r) => r.method !== "GET");

let live: LiveTestApp | undefined;
beforeAll(async () => {
  // ETH of the account's own beside what the strategies buy: room for a resting exit and a market
  // exit at once, as on an account that holds more than one strategy's coins. No BTC of its own.
  live = await startLiveTestApp({
    account: ACCOUNT,
    exchange: { balances: { USDT: "20000", ETH: "1" }, prices: { BTCUSDT: "50000", ETHUSDT: "3000" }, commissionRate: "0.001", stopOrders: "native" },
  });
  ({ t, x } = live);
}, 30_000);
afterAll(() => live?.close());

describe("a signal's limit exit resting at the exchange", () => {
  it("comes off the exchange before a stop's exit, which it would otherwise starve of the coins it locks", async () => {
    const strategy = await createStrategy(t, { mode: "live", accountId: ACCOUNT, riskLimits: OPEN_LIMITS });
    const entry = await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "buy", quantity: "0.01", price: "50000", sl: "49000" });
    const resting = await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "exit_long", type: "limit", limit_price: "52000", price: "50000" });
    const [exit] = ofRole(resting, "exit");
    expect(exit).toMatchObject({ kind: "limit", status: "submitted", quantity: "0.00999" });
    const exitRow = await stored(exit!.id);
    // The exit took the native stop off the exchange (the gateway holds it now) and locks every coin.
    expect(atExchange(exitRow.clientOrderId).map((o) => o.status)).toEqual(["NEW"]);
    expect(x.balance("BTC")).toEqual({ free: "0", locked: "0.00999" });

    x.setPrice("BTCUSDT", "48900");
    try {
      const from = x.requests().length;
      await t.services.liveVenues.watchProtectionNow();
      const stopped = await waitProcessed(t, entry.id);
      // First the resting exit comes off the exchange, then the stop's market exit sells.
      const writes = writesSince(from);
      expect(writes.map((r) => r.method)).toEqual(["DELETE", "POST"]);
      expect(sent(writes[0]!).get("orderId")).toBe(exitRow.venueOrderId);
      expect(ofRole(stopped, "exit")).toMatchObject([{ kind: "market", status: "filled", filledQuantity: "0.00999" }]);
      expect(ofRole(stopped, "stop_loss")).toMatchObject([{ status: "cancelled" }]);
      expect(stopped.trace.positions).toMatchObject([{ quantity: "0", status: "closed" }]);
      expect(atExchange(exitRow.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
      expect(await stored(exit!.id)).toMatchObject({ status: "cancelled", rejectReason: null });
      expect(x.balance("BTC")).toEqual({ free: "0", locked: "0" });
    } finally {
      x.setPrice("BTCUSDT", "50000");
    }
  });

  it("comes off the exchange before a signal's close at market, and nothing of the position is left working there", async () => {
    const strategy = await createStrategy(t, { mode: "live", accountId: ACCOUNT, riskLimits: OPEN_LIMITS });
    await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000" });
    const resting = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", type: "limit", limit_price: "3100", price: "3000" });
    const exitRow = await stored(ofRole(resting, "exit")[0]!.id);
    expect(exitRow).toMatchObject({ status: "submitted", kind: "limit", quantity: "0.0999" });

    const from = x.requests().length;
    const close = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", price: "3000" });
    expect(ofRole(close, "exit")).toMatchObject([{ kind: "market", status: "filled", filledQuantity: "0.0999" }]);
    expect(close.trace.positions).toMatchObject([{ quantity: "0", status: "closed" }]);
    expect(writesSince(from).map((r) => r.method)).toEqual(["DELETE", "POST"]);
    expect(atExchange(exitRow.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
    expect(await stored(exitRow.id)).toMatchObject({ status: "cancelled", rejectReason: null });

  });

  it("a cancel the exchange does not take now stays pending in our books and is carried out by the next pass", async () => {
    const strategy = await createStrategy(t, { mode: "live", accountId: ACCOUNT, riskLimits: OPEN_LIMITS });
    await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000" });
    const resting = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", type: "limit", limit_price: "3100", price: "3000" });
    const exitRow = await stored(ofRole(resting, "exit")[0]!.id);
    // Binance's CANCEL_REJECTED for the cancel and for the second try after the look-up finds it open.
    const refuse = { kind: "binanceError", status: 400, code: -2011, msg: "Order was not canceled due to cancel restrictions." } as const;
    x.faults.inject(refuse, { times: 2, match: { method: "DELETE", path: "/api/v3/order" } });
    try {
      // The account's own ETH lets the close sell while the resting exit still locks 0.0999.
      const close = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", price: "3000" });
      expect(close.trace.positions).toMatchObject([{ quantity: "0", status: "closed" }]);
      expect(x.faults.pending()).toHaveLength(0);
      expect(await stored(exitRow.id)).toMatchObject({ status: "cancelled", rejectReason: "VENUE_CANCEL_PENDING" });
      expect(atExchange(exitRow.clientOrderId).map((o) => o.status)).toEqual(["NEW"]);
      await t.services.liveVenues.watchProtectionNow();
      expect(atExchange(exitRow.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
      expect(await stored(exitRow.id)).toMatchObject({ status: "cancelled", rejectReason: null });
    } finally {
      x.faults.clear();
    }
  });

  it("a resting exit that filled at the exchange before the close reached it is booked, and the close is withdrawn: never sells the account's own coins", async () => {
    const strategy = await createStrategy(t, { mode: "live", accountId: ACCOUNT, riskLimits: OPEN_LIMITS });
    await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000" });
    const resting = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", type: "limit", limit_price: "3100", price: "3000" });
    const exitRow = await stored(ofRole(resting, "exit")[0]!.id);
    // The exchange fills it; our books have not heard (no reconciliation pass yet).
    x.setPrice("ETHUSDT", "3100");
    x.setPrice("ETHUSDT", "3000");
    expect(atExchange(exitRow.clientOrderId).map((o) => o.status)).toEqual(["FILLED"]);
    const eth = x.balance("ETH");

    const from = x.requests().length;
    const close = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", price: "3000" });
    expect(close.trace.orders).toMatchObject([{ role: "exit", kind: "market", status: "cancelled", rejectReason: "POSITION_CLOSED_BEFORE_SEND" }]);
    expect(writesSince(from).filter((r) => r.method === "POST")).toEqual([]);
    expect(x.balance("ETH")).toEqual(eth);
    expect(await stored(exitRow.id)).toMatchObject({ status: "filled", filledQuantity: "0.0999" });
    expect((await waitProcessed(t, resting.id)).trace.positions).toMatchObject([{ quantity: "0", status: "closed" }]);
  });

  it("one that filled in part cuts the close to what the position still holds", async () => {
    const strategy = await createStrategy(t, { mode: "live", accountId: ACCOUNT, riskLimits: OPEN_LIMITS });
    await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000" });
    const resting = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", type: "limit", limit_price: "3100", price: "3000" });
    const exitRow = await stored(ofRole(resting, "exit")[0]!.id);
    x.fillPart(exitRow.clientOrderId, "0.06");

    const from = x.requests().length;
    const close = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", price: "3000" });
    expect(ofRole(close, "exit")).toMatchObject([{ kind: "market", status: "filled", quantity: "0.0399", filledQuantity: "0.0399" }]);
    const post = writesSince(from).find((r) => r.method === "POST");
    expect(sent(post!).get("quantity")).toBe("0.0399");
    expect(await stored(exitRow.id)).toMatchObject({ status: "cancelled", filledQuantity: "0.06" });
    expect(close.trace.positions).toMatchObject([{ quantity: "0", status: "closed" }]);
  });

  it("a partial exit at market leaves a resting exit alone: both are the signals' own", async () => {
    const strategy = await createStrategy(t, { mode: "live", accountId: ACCOUNT, riskLimits: OPEN_LIMITS });
    await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.2", price: "3000" });
    const resting = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", type: "limit", limit_price: "3100", quantity: "0.1", price: "3000" });
    const exitRow = await stored(ofRole(resting, "exit")[0]!.id);
    const part = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", quantity: "0.05", price: "3000" });
    expect(ofRole(part, "exit")).toMatchObject([{ kind: "market", status: "filled", filledQuantity: "0.05" }]);
    expect(atExchange(exitRow.clientOrderId).map((o) => o.status)).toEqual(["NEW"]);
    expect(await stored(exitRow.id)).toMatchObject({ status: "submitted", rejectReason: null });
  });
});
