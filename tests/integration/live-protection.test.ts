import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestExchange, type RecordedRequest, type TestExchange } from "../exchange/server.js";
import type { StopOrderSupport } from "../exchange/state.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
// After the harness: it loads the app (and zod's OpenAPI extension) first, as the gateway does.
import { parseConfig } from "../../src/config/env.js";
import { buildContainer } from "../../src/container.js";
import { findOrderById, type StoredOrder } from "../../src/db/repositories/trading-repository.js";
import { createCcxtVenue } from "../../src/execution/live/ccxt-venue.js";
import { exchangeClient } from "../../src/execution/live/live-venues.js";
import { createStrategy } from "../helpers/strategies.js";
import { sendAlert, waitProcessed, type ProcessedSignal } from "../helpers/trading.js";

// Native stop-loss and take-profit orders at an exchange that speaks Binance's spot REST protocol,
// through ccxt's real binance class; and the engine-managed fallback where the exchange has none.
const KEY = "protect-itest-key-5e1c9a7b30";
const SECRET = "protect-itest-secret-0d8f3b6a47c2";
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: null };

type Account = "native" | "refused" | "plain" | "restart";
const SUPPORT: Record<Account, StopOrderSupport> = { native: "native", refused: "refused", plain: "none", restart: "native" };
const exchanges = {} as Record<Account, TestExchange>;
let t: TestApp;
let env: Record<string, string>;

const posts = (x: TestExchange) => x.requests().filter((r) => r.method === "POST" && r.path === "/api/v3/order");
const sent = (r: RecordedRequest) => new URLSearchParams(r.body !== "" ? r.body : r.query);
const postsOf = (x: TestExchange, clientOrderId: string) => posts(x).filter((r) => sent(r).get("newClientOrderId") === clientOrderId);
const stored = async (id: string) => (await findOrderById(t.services.database.db, id)) as StoredOrder;
const byRole = (s: ProcessedSignal) => Object.fromEntries(s.trace.orders.map((o) => [o.role, o]));
const atExchange = (x: TestExchange, clientOrderId: string) => x.orders().filter((o) => o.clientOrderId === clientOrderId);

async function strategyOn(account: Account) {
  return createStrategy(t, { mode: "live", accountId: `binance-${account}`, riskLimits: OPEN_LIMITS });
}

beforeAll(async () => {
  for (const account of Object.keys(SUPPORT) as Account[]) {
    exchanges[account] = await startTestExchange({
      apiKey: KEY,
      secret: SECRET,
      // The native account holds ETH of its own: room for both legs, which on Binance spot lock the same coins.
      balances: { USDT: "20000", ...(account === "native" ? { ETH: "1" } : {}) },
      prices: { BTCUSDT: "50000", ETHUSDT: "3000" },
      commissionRate: "0.001",
      stopOrders: SUPPORT[account],
    });
  }
  const config = (account: Account) => ({
    id: `binance-${account}`, name: account, exchange: "binance", apiKeyEnv: "PROTECT_ITEST_KEY", secretEnv: "PROTECT_ITEST_SECRET", sandbox: false, marketType: "spot", apiBaseUrl: exchanges[account].url,
  });
  env = {
    EXCHANGE_ACCOUNTS: JSON.stringify((Object.keys(SUPPORT) as Account[]).map(config)),
    PROTECT_ITEST_KEY: KEY,
    PROTECT_ITEST_SECRET: SECRET,
    EXCHANGE_TIMEOUT_MS: "1000",
    EXCHANGE_RECV_WINDOW_MS: "1000",
    // Passes only when the test asks (and one reconciliation at start).
    EXCHANGE_RECONCILE_MS: "0",
    EXCHANGE_PROTECTION_POLL_MS: "0",
  };
  t = await startTestApp(env);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
    const list = (await t.http.get("/v1/accounts").set(t.auth())).body.data as Array<{ id: string; health?: { status: string } }>;
    if ((Object.keys(SUPPORT) as Account[]).every((a) => list.find((x) => x.id === `binance-${a}`)?.health?.status === "ok")) break;
  }
}, 30_000);
afterAll(async () => {
  await t?.close();
  for (const x of Object.values(exchanges)) await x?.close();
});

describe("native stop-loss and take-profit at the exchange", () => {
  it("places a filled entry's stop and target at the exchange as STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT; a fall through the stop fills it there, and the target is cancelled there", async () => {
    const x = exchanges.native;
    const entry = await sendAlert(t, await strategyOn("native"), { ticker: "ETHUSDT", action: "buy", quantity: "0.2", price: "3000", sl: "2900", tp: "3200" });
    const { stop_loss: stop, take_profit: target } = byRole(entry);
    // Held for what the position holds: 0.2 less the 0.1 % commission taken in ETH.
    expect(stop).toMatchObject({ status: "submitted", side: "sell", quantity: "0.1998" });
    expect(target).toMatchObject({ status: "submitted", side: "sell", quantity: "0.1998" });
    const [stopRow, targetRow] = [await stored(stop!.id), await stored(target!.id)];
    const [stopAt] = atExchange(x, stopRow.clientOrderId);
    const [targetAt] = atExchange(x, targetRow.clientOrderId);
    // The limit lies 50 bps (the default allowance) past the trigger: 2900 × 0.995 and 3200 × 0.995.
    expect({ type: stopAt?.type, side: stopAt?.side, stop: stopAt?.stopPrice.toFixed(), limit: stopAt?.price.toFixed(), qty: stopAt?.origQty.toFixed(), status: stopAt?.status }).toEqual({
      type: "STOP_LOSS_LIMIT", side: "SELL", stop: "2900", limit: "2885.5", qty: "0.1998", status: "NEW",
    });
    expect({ type: targetAt?.type, stop: targetAt?.stopPrice.toFixed(), limit: targetAt?.price.toFixed(), qty: targetAt?.origQty.toFixed() }).toEqual({
      type: "TAKE_PROFIT_LIMIT", stop: "3200", limit: "3184", qty: "0.1998",
    });
    expect(sent(postsOf(x, stopRow.clientOrderId)[0]!).get("timeInForce")).toBe("GTC");
    expect([stopRow.venueOrderId, targetRow.venueOrderId]).toEqual([String(stopAt?.orderId), String(targetAt?.orderId)]);
    const before = posts(x).length;

    x.setPrice("ETHUSDT", "2890");
    try {
      await t.services.liveVenues.watchProtectionNow();
      const after = await waitProcessed(t, entry.id);
      const roles = byRole(after);
      // Filled at the exchange at 2890 (the limit 2885.5 let it take the market): the only exit.
      expect(roles["stop_loss"]).toMatchObject({ status: "filled", filledQuantity: "0.1998" });
      expect(roles["stop_loss"]?.fills).toMatchObject([{ quantity: "0.1998", price: "2890" }]);
      expect(roles["exit"]).toBeUndefined();
      expect(after.trace.positions).toMatchObject([{ quantity: "0", status: "closed" }]);
      // The target is cancelled at the exchange, then in our books.
      expect(targetAt?.status).toBe("CANCELED");
      expect(await stored(target!.id)).toMatchObject({ status: "cancelled", rejectReason: null });
      const deletes = () => x.requests().filter((r) => r.method === "DELETE");
      expect(deletes().map((r) => sent(r).get("orderId"))).toEqual([targetRow.venueOrderId]);
      expect(posts(x).length).toBe(before);
      expect(x.balance("ETH")).toEqual({ free: "1", locked: "0" });
      // A second pass finds nothing more to do.
      await t.services.liveVenues.watchProtectionNow();
      expect([posts(x).length, deletes().length]).toEqual([before, 1]);
    } finally {
      x.setPrice("ETHUSDT", "3000");
    }
  });

  it("the target path likewise, seen by reconciliation: the target fills at the exchange and the stop is cancelled there", async () => {
    const x = exchanges.native;
    const entry = await sendAlert(t, await strategyOn("native"), { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000", sl: "2900", tp: "3200" });
    const { stop_loss: stop } = byRole(entry);
    const stopAt = atExchange(x, (await stored(stop!.id)).clientOrderId);
    const before = posts(x).length;
    x.setPrice("ETHUSDT", "3210");
    try {
      await t.services.liveVenues.reconcileNow();
      const roles = byRole(await waitProcessed(t, entry.id));
      expect(roles["take_profit"]).toMatchObject({ status: "filled", filledQuantity: "0.0999" });
      expect(roles["take_profit"]?.fills).toMatchObject([{ price: "3210" }]);
      expect(roles["stop_loss"]).toMatchObject({ status: "cancelled" });
      expect(stopAt.map((o) => o.status)).toEqual(["CANCELED"]);
      expect(roles["exit"]).toBeUndefined();
      expect(posts(x).length).toBe(before);
    } finally {
      x.setPrice("ETHUSDT", "3000");
    }
  });

  it("a sibling's cancel the exchange does not take now stays pending in our books and is carried out by the next pass", async () => {
    const x = exchanges.native;
    const entry = await sendAlert(t, await strategyOn("native"), { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000", sl: "2900", tp: "3200" });
    const target = await stored(byRole(entry)["take_profit"]!.id);
    // The exchange refuses every cancel in this pass (Binance's CANCEL_REJECTED): the one right after
    // the booking and the pass's own retry of pending steps, each sent again after a look-up.
    const refuse = { kind: "binanceError", status: 400, code: -2011, msg: "Order was not canceled due to cancel restrictions." } as const;
    x.faults.inject(refuse, { times: 4, match: { method: "DELETE", path: "/api/v3/order" } });
    x.setPrice("ETHUSDT", "2890");
    try {
      await t.services.liveVenues.watchProtectionNow();
      expect(byRole(await waitProcessed(t, entry.id))["stop_loss"]).toMatchObject({ status: "filled" });
      expect(await stored(target.id)).toMatchObject({ status: "cancelled", rejectReason: "VENUE_CANCEL_PENDING" });
      expect(atExchange(x, target.clientOrderId).map((o) => o.status)).toEqual(["NEW"]);
      expect(x.faults.pending()).toHaveLength(0);
      await t.services.liveVenues.watchProtectionNow();
      expect(atExchange(x, target.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
      expect(await stored(target.id)).toMatchObject({ status: "cancelled", rejectReason: null });
    } finally {
      x.faults.clear();
      x.setPrice("ETHUSDT", "3000");
    }
  });

  it("a signal's close takes both off the exchange before its exit is sent", async () => {
    const x = exchanges.native;
    const strategy = await strategyOn("native");
    const entry = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000", sl: "2900", tp: "3200" });
    const rows = await Promise.all([byRole(entry)["stop_loss"]!, byRole(entry)["take_profit"]!].map((o) => stored(o.id)));
    const from = x.requests().length;
    const close = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", price: "3000" });
    expect(byRole(close)["exit"]).toMatchObject({ status: "filled", filledQuantity: "0.0999" });
    expect(close.trace.positions).toMatchObject([{ quantity: "0", status: "closed" }]);
    const writes = x.requests().slice(from).filter((r) => r.method !== "GET");
    const cancelled = (r: RecordedRequest, row: StoredOrder) => r.method === "DELETE" && sent(r).get("orderId") === row.venueOrderId;
    // Both cancels, then the exit: the cancels free the coins the exit sells.
    expect(writes).toHaveLength(3);
    expect(rows.every((row) => writes.slice(0, 2).some((r) => cancelled(r, row)))).toBe(true);
    expect([writes[2]?.method, sent(writes[2]!).get("type"), sent(writes[2]!).get("side")]).toEqual(["POST", "MARKET", "SELL"]);
    for (const row of rows) {
      expect(atExchange(x, row.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
      expect(await stored(row.id)).toMatchObject({ status: "cancelled" });
    }
  });

  it("a partial exit takes them off the exchange too; the gateway then holds them for what remains", async () => {
    const x = exchanges.native;
    const strategy = await strategyOn("native");
    const entry = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.2", price: "3000", sl: "2900", tp: "3200" });
    const rows = await Promise.all([byRole(entry)["stop_loss"]!, byRole(entry)["take_profit"]!].map((o) => stored(o.id)));
    const part = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", quantity: "0.1", price: "3000" });
    expect(byRole(part)["exit"]).toMatchObject({ status: "filled", filledQuantity: "0.1" });
    expect(part.trace.positions).toMatchObject([{ quantity: "0.0998", status: "open" }]);
    for (const row of rows) {
      expect(atExchange(x, row.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
      expect(await stored(row.id)).toMatchObject({ status: "submitted", venueOrderId: null, rejectReason: null });
    }
    x.setPrice("ETHUSDT", "2890");
    try {
      await t.services.liveVenues.watchProtectionNow();
      const roles = (await waitProcessed(t, entry.id)).trace.orders.filter((o) => o.role === "exit");
      // The stop, held by the gateway now, sells what the position still holds.
      expect(roles).toMatchObject([{ kind: "market", status: "filled", filledQuantity: "0.0998" }]);
      for (const row of rows) expect(await stored(row.id)).toMatchObject({ status: "cancelled", venueOrderId: null });
    } finally {
      x.setPrice("ETHUSDT", "3000");
    }
  });

  it("on Binance spot the target cannot lock the coins the stop holds: the stop is native, the target held by the gateway; when it fires, the stop comes off the exchange first", async () => {
    const x = exchanges.native;
    const entry = await sendAlert(t, await strategyOn("native"), { ticker: "BTCUSDT", action: "buy", quantity: "0.01", price: "50000", sl: "49000", tp: "52000" });
    const { stop_loss: stop, take_profit: target } = byRole(entry);
    const [stopRow, targetRow] = [await stored(stop!.id), await stored(target!.id)];
    expect(stopRow).toMatchObject({ status: "submitted", venueOrderId: expect.any(String) });
    // Refused for insufficient balance, so held by the gateway (no venue id), for the watcher.
    expect(targetRow).toMatchObject({ status: "submitted", venueOrderId: null });
    expect(postsOf(x, targetRow.clientOrderId)).toHaveLength(1);
    expect(atExchange(x, targetRow.clientOrderId)).toHaveLength(0);
    expect(x.balance("BTC")).toEqual({ free: "0", locked: "0.00999" });

    x.setPrice("BTCUSDT", "52100");
    try {
      await t.services.liveVenues.watchProtectionNow();
      const roles = byRole(await waitProcessed(t, entry.id));
      expect(roles["exit"]).toMatchObject({ kind: "market", status: "filled", filledQuantity: "0.00999" });
      expect(atExchange(x, stopRow.clientOrderId).map((o) => o.status)).toEqual(["CANCELED"]);
      expect(await stored(stopRow.id)).toMatchObject({ status: "cancelled", venueOrderId: null });
      expect(roles["take_profit"]).toMatchObject({ status: "cancelled" });
      expect(x.balance("BTC")).toEqual({ free: "0", locked: "0" });
    } finally {
      x.setPrice("BTCUSDT", "50000");
    }
  });
});

describe("where the exchange has no native stops: held by the gateway, as before", () => {
  it("an exchange without them gets no stop order; the watcher exits at market when the price crosses the stop", async () => {
    const x = exchanges.plain;
    const entry = await sendAlert(t, await strategyOn("plain"), { ticker: "ETHUSDT", action: "buy", quantity: "0.2", price: "3000", sl: "2900", tp: "3200" });
    expect(posts(x)).toHaveLength(1);
    const { stop_loss: stop, take_profit: target } = byRole(entry);
    for (const o of [stop!, target!]) expect(await stored(o.id)).toMatchObject({ status: "submitted", venueOrderId: null });
    x.setPrice("ETHUSDT", "2890");
    try {
      await t.services.liveVenues.watchProtectionNow();
      const roles = byRole(await waitProcessed(t, entry.id));
      expect(roles["exit"]).toMatchObject({ kind: "market", status: "filled", filledQuantity: "0.1998", averageFillPrice: "2890" });
      expect(roles["stop_loss"]).toMatchObject({ status: "cancelled" });
      expect(posts(x)).toHaveLength(2);
    } finally {
      x.setPrice("ETHUSDT", "3000");
    }
  });

  it("an exchange that refuses the type (-1116) is asked once per type; after that the account's stops are held by the gateway", async () => {
    const x = exchanges.refused;
    const strategy = await strategyOn("refused");
    const first = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.1", price: "3000", sl: "2900", tp: "3200" });
    const types = () => posts(x).map((r) => sent(r).get("type"));
    expect(types()).toEqual(["MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"]);
    for (const o of [byRole(first)["stop_loss"]!, byRole(first)["take_profit"]!]) expect(await stored(o.id)).toMatchObject({ status: "submitted", venueOrderId: null });
    expect(t.logs.lines().some((l) => l["accountId"] === "binance-refused" && String(l.msg).includes("refused a native protection order"))).toBe(true);

    // Another strategy on the account: the refusal is remembered per account.
    const second = await sendAlert(t, await strategyOn("refused"), { ticker: "BTCUSDT", action: "buy", quantity: "0.01", price: "50000", sl: "49000", tp: "52000" });
    expect(types()).toEqual(["MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT", "MARKET"]);
    expect(byRole(second)["stop_loss"]).toMatchObject({ status: "submitted" });
    expect(x.orders().filter((o) => o.status === "NEW")).toHaveLength(0);
  });
});

describe("the venue's native protection order", () => {
  it("honours its limit offset, and refuses a trigger off the tick without a request", async () => {
    const x = exchanges.restart;
    const account = { id: "binance-restart", name: "r", exchange: "binance", apiKeyEnv: "K", secretEnv: "S", sandbox: false, marketType: "spot" as const, apiBaseUrl: x.url, currency: "USDT" };
    const venue = createCcxtVenue({ exchange: exchangeClient(account, { apiKey: KEY, secret: SECRET }, 1000, 1000), accountId: account.id, clock: t.services.clock, stopLimitOffsetBps: "100" });
    expect((await venue.loadMarkets()).ok).toBe(true);
    expect(venue.protectionSupport("ETH/USDT")).toEqual({ stop_loss: true, take_profit: true });
    x.adjustBalance("ETH", "0.05");
    const before = posts(x).length;
    const input = { clientOrderId: "venue-stop-1", symbol: "ETH/USDT", side: "sell" as const, role: "stop_loss" as const, quantity: "0.05" };
    expect(await venue.submitProtection({ ...input, triggerPrice: "2900.005" })).toEqual({ status: "denied", reason: "PRICE_OFF_TICK", limit: "0.01" });
    expect(posts(x).length).toBe(before);
    const placed = await venue.submitProtection({ ...input, triggerPrice: "2900" });
    expect(placed).toMatchObject({ status: "accepted", quantity: "0.05", order: { status: "open", price: "2871" } });
    expect(Object.fromEntries(sent(posts(x).at(-1)!))).toMatchObject({ type: "STOP_LOSS_LIMIT", stopPrice: "2900", price: "2871", quantity: "0.05" });
    if (placed.status === "accepted") await venue.cancelOrder(placed.order.venueOrderId, "ETH/USDT");
    x.adjustBalance("ETH", "-0.05");
  });
});

describe("restart safety", () => {
  it("a restart between the native stop's intent and the exchange's answer finds it by client order id: never placed twice", async () => {
    const x = exchanges.restart;
    // The exchange takes the stop, but its answer and every look-up after it are lost.
    x.faults.acceptThenTimeout({ match: { method: "POST", path: "/api/v3/order", params: { type: "STOP_LOSS_LIMIT" } } });
    x.faults.latency(2_000, { times: 4, match: { method: "GET", path: "/api/v3/order" } });
    const entry = await sendAlert(t, await strategyOn("restart"), { ticker: "ETHUSDT", action: "buy", quantity: "0.2", price: "3000", sl: "2900" });
    const stop = byRole(entry)["stop_loss"]!;
    const row = await stored(stop.id);
    expect(row).toMatchObject({ status: "new", venueOrderId: null });
    expect(atExchange(x, row.clientOrderId)).toHaveLength(1);
    x.faults.clear();

    // The gateway stops; a new process starts on the same database and reconciles the account.
    await t.services.processing.stop();
    await t.services.liveVenues.stop();
    const config = parseConfig({ NODE_ENV: "test", API_KEY: t.adminKey, DATA_DIR: mkdtempSync(join(tmpdir(), "sg-protect-")), ...env });
    if (!config.ok) throw new Error(config.errors.join("; "));
    const restarted = await buildContainer(config.config, { logger: t.logs.logger, database: t.db.database, secretEnv: env });
    await restarted.processing.start();
    try {
      let now = row;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && now.status === "new"; await new Promise((r) => setTimeout(r, 25))) now = await stored(row.id);
      const [atX] = atExchange(x, row.clientOrderId);
      expect(now).toMatchObject({ status: "submitted", venueOrderId: String(atX?.orderId) });
      expect(postsOf(x, row.clientOrderId)).toHaveLength(1);
      expect(atExchange(x, row.clientOrderId)).toHaveLength(1);
    } finally {
      await restarted.processing.stop();
      await restarted.liveVenues.stop();
    }
  }, 30_000);
});
