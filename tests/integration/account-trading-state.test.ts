import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { apiKeyWithScopes } from "../helpers/manual-trading.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert, type ProcessedSignal } from "../helpers/trading.js";

/**
 * An account's own kill switch, through HTTP: what the risk engine set can be read and lifted by an
 * operator, and HALTED reaches exactly the account's orders and positions. Each block has its own
 * app, so the shared paper account `acc_paper` starts ACTIVE in each.
 */
const ENV = { PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "10", PAPER_MAKER_FEE_BPS: "10", WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0", WEBHOOK_RATE_LIMIT_PER_TOKEN: "0" };
/** Account-wide limits off: they would deny entries these tests need for something else. */
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null };

const statePath = (accountId: string) => `/v1/accounts/${accountId}/trading-state`;

async function createAccount(t: TestApp, id: string): Promise<void> {
  const res = await t.http.post("/v1/accounts").set(t.auth()).send({ id, name: id, startingCash: "10000" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function readState(t: TestApp, accountId: string): Promise<Record<string, unknown>> {
  const res = await t.http.get(statePath(accountId)).set(t.auth());
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Record<string, unknown>;
}

async function order(t: TestApp, id: string): Promise<Record<string, unknown>> {
  const res = await t.http.get(`/v1/orders/${id}`).set(t.auth());
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

async function executed(t: TestApp, s: CreatedStrategy, body: Record<string, unknown>): Promise<ProcessedSignal> {
  const done = await sendAlert(t, s, body);
  expect(done.result, JSON.stringify(done.result)).toMatchObject({ outcome: "EXECUTED" });
  return done;
}

async function denied(t: TestApp, s: CreatedStrategy, body: Record<string, unknown>, reason: string, limit: string): Promise<void> {
  const done = await sendAlert(t, s, body);
  expect(done.result, JSON.stringify(done.result)).toMatchObject({ outcome: "DENIED" });
  expect(done.trace.decisions).toMatchObject([{ outcome: "denied", reason, limit, orderId: null }]);
  expect(done.trace.orders).toEqual([]);
}

describe("GET/PUT /v1/accounts/{id}/trading-state", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(ENV);
  });
  afterAll(() => t.close());

  it("starts ACTIVE, the default, for the paper account and for a new one", async () => {
    await createAccount(t, "desk-fresh");
    for (const accountId of ["acc_paper", "desk-fresh"]) {
      expect(await readState(t, accountId)).toEqual({
        scope: "account",
        accountId,
        strategyId: null,
        state: "ACTIVE",
        reason: "default",
        changedBy: null,
        changedAt: null,
      });
    }
  });

  it("keeps an account's state apart from the global one, another account's and its strategies'", async () => {
    await createAccount(t, "desk-apart");
    const s = await createStrategy(t, { accountId: "desk-apart" });
    const put = await t.http.put(statePath("desk-apart")).set(t.auth()).send({ state: "REDUCING", reason: "wind down" });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ scope: "account", accountId: "desk-apart", strategyId: null, state: "REDUCING", changedBy: "key_env_admin", flattened: [] });
    expect(await readState(t, "desk-apart")).toMatchObject({ state: "REDUCING", reason: "wind down", changedBy: "key_env_admin" });
    expect((await readState(t, "acc_paper")).state).toBe("ACTIVE");
    expect((await t.http.get("/v1/trading-state").set(t.auth())).body).toMatchObject({ scope: "global", accountId: null, state: "ACTIVE" });
    expect((await t.http.get(`/v1/strategies/${s.id}/trading-state`).set(t.auth())).body).toMatchObject({ accountId: null, strategyId: s.id, state: "ACTIVE" });
  });

  it("is 404 NOT_FOUND for an unknown account, on read and on write", async () => {
    const read = await t.http.get(statePath("no-such-desk")).set(t.auth());
    expect(read.status).toBe(404);
    expect(read.body.code).toBe("NOT_FOUND");
    const write = await t.http.put(statePath("no-such-desk")).set(t.auth()).send({ state: "HALTED", reason: "x" });
    expect(write.status).toBe(404);
    expect(write.body.code).toBe("NOT_FOUND");
  });

  it("validates the body: 400 with the field paths, and flatten only with HALTED", async () => {
    const bad = await t.http.put(statePath("acc_paper")).set(t.auth()).send({ state: "PAUSED", reason: "" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["reason", "state"]);
    const flatten = await t.http.put(statePath("acc_paper")).set(t.auth()).send({ state: "REDUCING", reason: "x", flatten: true });
    expect(flatten.status).toBe(400);
    expect((await readState(t, "acc_paper")).state).toBe("ACTIVE");
  });

  it("reads with a read key; changing it needs the admin scope (403), and no key is 401", async () => {
    const readKey = await apiKeyWithScopes(t, ["read"]);
    const writeKey = await apiKeyWithScopes(t, ["write"]);
    expect((await t.http.get(statePath("acc_paper")).set(t.auth(readKey))).status).toBe(200);
    for (const key of [readKey, writeKey]) {
      const put = await t.http.put(statePath("acc_paper")).set(t.auth(key)).send({ state: "HALTED", reason: "not mine to pull" });
      expect(put.status).toBe(403);
    }
    expect((await readState(t, "acc_paper")).state).toBe("ACTIVE");
    expect((await t.http.get(statePath("acc_paper"))).status).toBe(401);
    expect((await t.http.put(statePath("acc_paper")).send({ state: "HALTED", reason: "x" })).status).toBe(401);
  });
});

describe("the daily loss limit moves the account; only an operator moves it back", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(ENV);
  });
  afterAll(() => t.close());

  it("shows REDUCING set by the risk engine, and PUT ACTIVE lets the next entry through", async () => {
    const loser = await createStrategy(t, { riskLimits: { ...OPEN_LIMITS, maxDailyLossPercent: "0.05" } });
    const other = await createStrategy(t, { riskLimits: OPEN_LIMITS });
    await executed(t, loser, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
    // Already long and pyramiding is off: nothing is evaluated, but 90 000 becomes BTC's mark (−10 USDT unrealized).
    const mark = await sendAlert(t, loser, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "90000" });
    expect(mark.result).toMatchObject({ outcome: "NO_ACTION", reason: "PYRAMIDING_OFF" });
    await denied(t, loser, { ticker: "SOLUSDT", action: "buy", quantity: "0.1", price: "200" }, "DAILY_LOSS_LIMIT", "maxDailyLossPercent=0.05");

    const reducing = await readState(t, "acc_paper");
    expect(reducing).toMatchObject({ scope: "account", accountId: "acc_paper", state: "REDUCING", reason: "DAILY_LOSS_LIMIT", changedBy: "risk-engine" });
    expect(reducing.changedAt).toEqual(expect.any(String));
    // The account's state binds every strategy on it, including one without a daily loss limit of its own.
    await denied(t, other, { ticker: "XRPUSDT", action: "buy", quantity: "10", price: "2.5" }, "TRADING_REDUCING", "tradingState.account=REDUCING");

    const put = await t.http.put(statePath("acc_paper")).set(t.auth()).send({ state: "ACTIVE", reason: "loss reviewed" });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ scope: "account", accountId: "acc_paper", state: "ACTIVE", reason: "loss reviewed", changedBy: "key_env_admin", flattened: [] });
    expect(await readState(t, "acc_paper")).toMatchObject({ state: "ACTIVE", reason: "loss reviewed", changedBy: "key_env_admin" });

    const entry = await executed(t, other, { ticker: "XRPUSDT", action: "buy", quantity: "10", price: "2.5" });
    expect(entry.trace.decisions).toMatchObject([{ outcome: "approved" }]);
    expect(entry.trace.orders).toMatchObject([{ role: "entry", side: "buy", quantity: "10", status: "filled" }]);
  });
});

describe("PUT HALTED on an account", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(ENV);
    await createAccount(t, "desk-b");
  });
  afterAll(() => t.close());

  /** Entries go out as limits 1 % inside the price: a buy at 2.5 rests at 2.475. */
  const limitStrategy = (accountId?: string) =>
    createStrategy(t, { defaultOrderType: { type: "limit", offsetBps: "100" }, riskLimits: OPEN_LIMITS, ...(accountId ? { accountId } : {}) });

  async function resting(s: CreatedStrategy, ticker: string, price: string): Promise<string> {
    const entry = await executed(t, s, { ticker, action: "buy", quantity: "100", price });
    expect(entry.trace.orders).toMatchObject([{ kind: "limit", status: "submitted" }]);
    return entry.trace.orders[0]!.id;
  }

  async function openPositions(accountId: string): Promise<Array<{ id: string; symbol: string }>> {
    const res = await t.http.get("/v1/positions").query({ status: "open", limit: 500 }).set(t.auth());
    expect(res.status).toBe(200);
    return (res.body.data as Array<{ id: string; symbol: string; accountId: string }>).filter((p) => p.accountId === accountId);
  }

  it("cancels the account's working orders and, with flatten, closes its positions; another account keeps both", async () => {
    const paperLimits = await limitStrategy();
    const paperLimits2 = await limitStrategy();
    const paperMarket = await createStrategy(t, { riskLimits: OPEN_LIMITS });
    const bLimits = await limitStrategy("desk-b");
    const bMarket = await createStrategy(t, { accountId: "desk-b", riskLimits: OPEN_LIMITS });

    const paperXrp = await resting(paperLimits, "XRPUSDT", "2.5");
    const paperAda = await resting(paperLimits2, "ADAUSDT", "0.5");
    const bDoge = await resting(bLimits, "DOGEUSDT", "0.2");
    await executed(t, paperMarket, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
    await executed(t, bMarket, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
    const [paperEth] = await openPositions("acc_paper");
    expect(paperEth).toMatchObject({ symbol: "ETH/USDT" });
    expect(await openPositions("desk-b")).toMatchObject([{ symbol: "ETH/USDT" }]);

    const res = await t.http.put(statePath("acc_paper")).set(t.auth()).send({ state: "HALTED", reason: "drill", flatten: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ scope: "account", accountId: "acc_paper", strategyId: null, state: "HALTED", reason: "drill", changedBy: "key_env_admin" });
    expect(res.body.flattened).toEqual([{ positionId: paperEth!.id, orderId: expect.any(String), reason: null }]);

    // Every strategy's working order on the account is cancelled, and only those.
    expect(await order(t, paperXrp)).toMatchObject({ status: "cancelled", rejectReason: "TRADING_HALTED" });
    expect(await order(t, paperAda)).toMatchObject({ status: "cancelled", rejectReason: "TRADING_HALTED" });
    expect(await order(t, bDoge)).toMatchObject({ status: "submitted", rejectReason: null });
    expect(await openPositions("acc_paper")).toEqual([]);
    expect(await openPositions("desk-b")).toMatchObject([{ symbol: "ETH/USDT", quantity: "0.01" }]);

    // Once the PUT has returned, nothing reaches the venue for the account; the other account trades on.
    await denied(t, paperMarket, { ticker: "SOLUSDT", action: "buy", quantity: "0.1", price: "200" }, "TRADING_HALTED", "tradingState.account=HALTED");
    await executed(t, bMarket, { ticker: "SOLUSDT", action: "buy", quantity: "0.1", price: "200" });
    expect((await readState(t, "desk-b")).state).toBe("ACTIVE");
    expect((await t.http.get("/v1/trading-state").set(t.auth())).body.state).toBe("ACTIVE");
  });

  it("REDUCING leaves an entry resting but never fills it: when the price reaches it, it is cancelled TRADING_REDUCING", async () => {
    await createAccount(t, "desk-r");
    await createAccount(t, "desk-p");
    const reducing = await limitStrategy("desk-r");
    const elsewhere = await createStrategy(t, { accountId: "desk-p", riskLimits: OPEN_LIMITS });
    const entry = await resting(reducing, "BNBUSDT", "600");
    const put = await t.http.put(statePath("desk-r")).set(t.auth()).send({ state: "REDUCING", reason: "review" });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(await order(t, entry)).toMatchObject({ status: "submitted" });

    // Another account's trade at 590 crosses the buy limit at 594: the entry would add risk REDUCING forbids.
    await executed(t, elsewhere, { ticker: "BNBUSDT", action: "buy", quantity: "0.01", price: "590" });
    expect(await order(t, entry)).toMatchObject({ status: "cancelled", rejectReason: "TRADING_REDUCING", filledQuantity: "0" });
    expect(await openPositions("desk-r")).toEqual([]);
  });
});
