import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestExchange, type TestExchange } from "../exchange/server.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert, waitForExchangeAccounts } from "../helpers/trading.js";
import { startReceiver, type Receiver } from "./notifications-receivers.js";

/**
 * The venue events, end to end: exchange accounts on the local test exchange (ccxt's real binance
 * class), a webhook sink for venue.unhealthy and reconciliation.mismatch. One account's key is
 * refused (its venue is unavailable from the first pass); the other's balance is drawn down behind the
 * gateway's back after it bought, so reconciliation finds less than our position holds.
 */

const KEY = "notify-itest-key-5d1c7b";
const SECRET = "notify-itest-secret-2a9e4f";
const WHSEC = `whsec_${Buffer.alloc(32, 4).toString("base64")}`;
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: null };

let exchange: TestExchange;
let hook: Receiver;
let t: TestApp;
/** The strategy whose BTC the exchange's balance no longer covers (after the mismatch test). */
let holder: CreatedStrategy | undefined;

beforeAll(async () => {
  exchange = await startTestExchange({ apiKey: KEY, secret: SECRET, balances: { USDT: "10000" }, prices: { BTCUSDT: "50000" } });
  hook = await startReceiver();
  const account = (id: string, secretEnv: string) => ({ id, name: id, exchange: "binance", apiKeyEnv: "NOTIFY_KEY", secretEnv, sandbox: false, marketType: "spot", apiBaseUrl: exchange.url });
  const env = {
    EXCHANGE_ACCOUNTS: JSON.stringify([account("binance-ok", "NOTIFY_SECRET"), account("binance-refused", "NOTIFY_WRONG_SECRET")]),
    NOTIFY_KEY: KEY,
    NOTIFY_SECRET: SECRET,
    NOTIFY_WRONG_SECRET: "not-the-secret-1111111111",
    EXCHANGE_TIMEOUT_MS: "1000",
    EXCHANGE_RECV_WINDOW_MS: "1000",
    EXCHANGE_RECONCILE_MS: "0",
    EXCHANGE_PROTECTION_POLL_MS: "0",
    NOTIFICATION_DISPATCH_MS: "0",
    NOTIFICATION_SINKS: JSON.stringify([{ name: "venue-watch", type: "webhook", urlEnv: "WATCH_URL", secretEnv: "WATCH_SECRET", events: ["venue.unhealthy", "reconciliation.mismatch", "trading_state.changed", "fill", "order.rejected"] }]),
    WATCH_URL: `${hook.url}/venue`,
    WATCH_SECRET: WHSEC,
  };
  t = await startTestApp(env);
  await waitForExchangeAccounts(t, ["binance-ok", "binance-refused"]);
}, 30_000);
afterAll(async () => {
  await t?.close();
  await hook?.close();
  await exchange?.close();
});

async function events(): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  await t.services.notifications.dispatcher.runOnce();
  return hook.json();
}

describe("venue events", () => {
  it("an account whose venue is unavailable is one venue.unhealthy, whatever the number of passes", async () => {
    await t.services.liveVenues.reconcileNow();
    await t.services.liveVenues.reconcileNow();
    const unhealthy = (await events()).filter((e) => e.type === "venue.unhealthy");
    expect(unhealthy).toEqual([
      {
        type: "venue.unhealthy",
        timestamp: expect.any(String),
        data: { accountId: "binance-refused", health: "unavailable", previousHealth: "unknown", detail: expect.stringMatching(/^VENUE_AUTH_FAILED: /), at: expect.any(String) },
      },
    ]);
    // Later passes report it unavailable again (the circuit breaker open by then): no new event.
    const account = (await t.http.get("/v1/accounts/binance-refused").set(t.auth())).body;
    expect(account.health.status).toBe("unavailable");
  });

  it("positions the venue's balance no longer covers are a reconciliation.mismatch", async () => {
    const strategy = await createStrategy(t, { mode: "live", accountId: "binance-ok", riskLimits: OPEN_LIMITS });
    holder = strategy;
    const bought = await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "buy", quantity: "0.01", price: "50000" });
    expect(bought.trace.orders).toMatchObject([{ status: "filled" }]);
    exchange.adjustBalance("BTC", "-0.005");
    await t.services.liveVenues.reconcileNow();
    await t.services.liveVenues.reconcileNow();
    const mismatches = (await events()).filter((e) => e.type === "reconciliation.mismatch");
    expect(mismatches.map((e) => e.data)).toEqual([{ accountId: "binance-ok", detail: "BTC: our positions hold 0.01, the venue's balance is 0.005", at: expect.any(String) }]);
    const account = (await t.http.get("/v1/accounts/binance-ok").set(t.auth())).body;
    expect(account.reconciliation).toMatchObject({ status: "mismatch", detail: mismatches[0]?.data.detail });
  });

  it("the states the venue sets and the fills it books are events too, each once", async () => {
    const all = await events();
    const states = all.filter((e) => e.type === "trading_state.changed").map((e) => e.data);
    expect(states).toEqual([
      expect.objectContaining({ scope: "account", accountId: "binance-refused", state: "HALTED", previousState: "ACTIVE", changedBy: "venue", reason: "VENUE_AUTH_FAILED" }),
      expect.objectContaining({ scope: "account", accountId: "binance-ok", state: "REDUCING", previousState: "ACTIVE", changedBy: "venue", reason: "POSITION_MISMATCH" }),
    ]);
    const fills = all.filter((e) => e.type === "fill").map((e) => e.data);
    expect(fills).toEqual([expect.objectContaining({ accountId: "binance-ok", symbol: "BTC/USDT", side: "buy" })]);
  });

  it("an exit the exchange refuses (it holds less BTC than the position) is an order.rejected, once, with the exchange's reason", async () => {
    if (!holder) throw new Error("runs after the mismatch test, whose position it exits");
    // REDUCING lets the exit through the risk engine; the exchange holds 0.005 BTC of the 0.01 it sells.
    const exit = await sendAlert(t, holder, { ticker: "BTCUSDT", action: "exit_long", price: "50000" });
    const [order] = exit.trace.orders;
    expect(order).toMatchObject({ status: "rejected", rejectReason: "VENUE_INSUFFICIENT_FUNDS" });
    const rejected = (await events()).filter((e) => e.type === "order.rejected");
    expect(rejected).toEqual([
      {
        type: "order.rejected",
        timestamp: expect.any(String),
        data: {
          orderId: order!.id, signalId: exit.id, accountId: "binance-ok", strategyId: holder.id, symbol: "BTC/USDT",
          side: "sell", kind: "market", role: "exit", quantity: "0.01", limitPrice: null,
          reason: "VENUE_INSUFFICIENT_FUNDS", detail: expect.stringContaining("insufficient balance"), rejectedAt: expect.any(String),
        },
      },
    ]);
  });
});
