import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dec, plain } from "../../src/domain/decimal.js";
import { parseWebhookSecrets, verifyStandardWebhook, type WebhookSecret } from "../../src/ingest/standard-webhooks.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert } from "../helpers/trading.js";
import { createNotifications } from "../../src/notifications/context.js";
import { finished, waitForBacktest } from "./backtests-gateway.js";
import { startReceiver, type Receiver } from "./notifications-receivers.js";

/**
 * Where events come from: each change the gateway makes (a paper fill, a close, a denial, a halt, a
 * finished backtest) reaches a user's webhook endpoint as its event, with the change's own ids and
 * exact decimals, signed. Dispatched one pass at a time (NOTIFICATION_DISPATCH_MS=0).
 */

const ETH_1H = readFileSync(new URL("../fixtures/ohlcv/binance_ETHUSDT_1h_head300.csv", import.meta.url), "utf8");
const SECRET = `whsec_${Buffer.alloc(24, 3).toString("base64")}`;
const secrets = (parseWebhookSecrets(SECRET) as { ok: true; secrets: WebhookSecret[] }).secrets;

type Event = { id: string; type: string; timestamp: string; data: Record<string, unknown> };

let hook: Receiver;
let env: Record<string, string>;
let t: TestApp;
let strategy: CreatedStrategy;
let seen = 0;

beforeAll(async () => {
  hook = await startReceiver();
  env = {
    PAPER_SLIPPAGE_BPS: "0",
    WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0",
    WEBHOOK_RATE_LIMIT_PER_TOKEN: "0",
    NOTIFICATION_DISPATCH_MS: "0",
    NOTIFICATION_SINKS: JSON.stringify([{ name: "audit", type: "webhook", urlEnv: "AUDIT_URL", secretEnv: "AUDIT_SECRET" }]),
    AUDIT_URL: `${hook.url}/events`,
    AUDIT_SECRET: SECRET,
  };
  t = await startTestApp(env);
  strategy = await createStrategy(t, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null } });
});
afterAll(async () => {
  await t?.close();
  await hook?.close();
});

/** Dispatches, then the events that arrived since the last call, each checked to carry a valid signature. */
async function newEvents(): Promise<Event[]> {
  await t.services.notifications.dispatcher.runOnce();
  const arrived = hook.requests.slice(seen);
  seen = hook.requests.length;
  return arrived.map((r) => {
    const verified = verifyStandardWebhook({
      id: r.headers["webhook-id"] as string,
      timestamp: r.headers["webhook-timestamp"] as string,
      signature: r.headers["webhook-signature"] as string,
      body: r.body,
      secrets,
      now: new Date(),
    });
    expect(verified.ok).toBe(true);
    return { id: r.headers["webhook-id"] as string, ...(JSON.parse(r.body) as Omit<Event, "id">) };
  });
}

describe("trading events", () => {
  it("a paper fill is a `fill`; the fill that closes the position is another `fill` and a `position.closed`, in the booking's exact figures", async () => {
    const opened = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
    const closed = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "exit_long", price: "4100" });
    const events = await newEvents();
    expect(events.map((e) => e.type)).toEqual(["fill", "fill", "position.closed"]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);

    const position = closed.trace.positions[0] as Record<string, string>;
    expect(position).toMatchObject({ status: "closed" });
    for (const [event, signal] of [
      [events[0], opened],
      [events[1], closed],
    ] as const) {
      const order = signal.trace.orders[0] as (typeof signal.trace.orders)[number];
      const fill = order.fills[0] as (typeof order.fills)[number];
      expect(event?.data).toEqual({
        fillId: fill.id,
        orderId: order.id,
        accountId: "acc_paper",
        strategyId: strategy.id,
        positionId: position.id,
        symbol: "ETH/USDT",
        side: order.side,
        quantity: fill.quantity,
        price: fill.price,
        fee: fill.fee,
        liquidity: "taker",
        realizedPnl: fill.realizedPnl,
        filledAt: event?.timestamp,
      });
    }
    const closingFill = closed.trace.orders[0]?.fills[0];
    expect(events[2]?.data).toEqual({
      positionId: position.id,
      accountId: "acc_paper",
      strategyId: strategy.id,
      symbol: "ETH/USDT",
      realizedPnl: position.realizedPnl,
      fees: position.fees,
      netPnl: plain(dec(position.realizedPnl as string).minus(position.fees as string)),
      openedAt: expect.any(String),
      closedAt: events[1]?.timestamp,
      closingFillId: closingFill?.id,
    });
    // The figures are the booking's, exact: 0.01 × (4100 − 4000) gross.
    expect(dec(position.realizedPnl as string).eq("1")).toBe(true);
  });

  it("a risk denial is a `risk.denied` with the stored decision's reason and limit, and no `fill`", async () => {
    const denied = await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "buy", quantity: "0.00001", price: "100000" });
    const decision = denied.trace.decisions[0];
    expect(decision).toMatchObject({ outcome: "denied" });
    const events = await newEvents();
    expect(events).toEqual([
      {
        id: expect.stringMatching(/^evt_/),
        type: "risk.denied",
        timestamp: expect.any(String),
        data: {
          decisionId: expect.stringMatching(/^rsk_/),
          signalId: denied.id,
          strategyId: strategy.id,
          accountId: "acc_paper",
          symbol: "BTC/USDT",
          leg: decision?.leg,
          side: "buy",
          quantity: null,
          reason: decision?.reason,
          limit: decision?.limit,
          detail: expect.any(String),
        },
      },
    ]);
  });

  it("a halt is a `trading_state.changed` from ACTIVE; setting the same state again is no change; resuming is one more", async () => {
    const halt = await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "HALTED", reason: "notification drill" });
    expect(halt.status).toBe(200);
    expect((await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "HALTED", reason: "still halted" })).status).toBe(200);
    const halted = await newEvents();
    expect(halted.map((e) => e.data)).toEqual([
      { scope: "global", accountId: null, strategyId: null, state: "HALTED", previousState: "ACTIVE", reason: "notification drill", changedBy: halt.body.changedBy, changedAt: halt.body.changedAt },
    ]);
    expect(halted[0]?.type).toBe("trading_state.changed");

    const strategyHalt = await t.http.put(`/v1/strategies/${strategy.id}/trading-state`).set(t.auth()).send({ state: "REDUCING", reason: "winding down" });
    expect(strategyHalt.status).toBe(200);
    const resume = await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "ACTIVE", reason: "drill over" });
    expect(resume.status).toBe(200);
    const later = await newEvents();
    expect(later.map((e) => [e.data.scope, e.data.strategyId, e.data.previousState, e.data.state])).toEqual([
      ["strategy", strategy.id, "ACTIVE", "REDUCING"],
      ["global", null, "HALTED", "ACTIVE"],
    ]);
  });
});

describe("backtests", () => {
  it("a finished backtest is a `backtest.finished` with its status and summary metrics, right after its row says so", async () => {
    const imported = await t.http.post("/v1/candles/import?symbol=ETH/USDT&timeframe=1h").set(t.auth()).set("content-type", "text/csv").send(ETH_1H);
    expect(imported.body).toMatchObject({ imported: 300 });
    const submitted = await t.http
      .post("/v1/backtests")
      .set(t.auth())
      .send({ strategy: { type: "sma-cross", params: { fast: 5, slow: 20 } }, symbols: ["ETH/USDT"], timeframe: "1h", from: 1745971200000, to: 1747047600000 });
    expect(submitted.status).toBe(202);
    const done = (await waitForBacktest(t, submitted.body.id, finished)) as { status: string; finishedAt: string; metrics: Record<string, number | null> };
    expect(done.status).toBe("succeeded");
    const events = await newEvents();
    const m = done.metrics;
    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        "backtest.finished",
        {
          backtestId: submitted.body.id,
          strategyId: null,
          status: "succeeded",
          errorCode: null,
          metrics: { totalReturn: m.totalReturn, maxDrawdown: m.maxDrawdown, trades: m.trades, finalEquity: m.finalEquity, profitFactor: m.profitFactor, sharpe: m.sharpe },
          finishedAt: done.finishedAt,
        },
      ],
    ]);
  });
});

describe("several instances", () => {
  it("two dispatchers on one database deliver each event once", async () => {
    // Another instance's dispatcher: its own lanes and claims, the same database and configuration.
    const { config, database, clock, logger } = t.services;
    const other = createNotifications({ database, clock, logger, sinks: config.notificationSinks, env, pollMs: 0, timeoutMs: 5000, maxAttempts: 8, retryBaseMs: 30_000 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await t.http.post("/v1/notifications/sinks/audit/test").set(t.auth())).body.eventId as string);
    const from = hook.requests.length;
    await Promise.all([t.services.notifications.dispatcher.runOnce(), other.dispatcher.runOnce(), t.services.notifications.dispatcher.runOnce(), other.dispatcher.runOnce()]);
    expect(hook.requests.length - from).toBe(12);
    const events = await newEvents();
    expect(events.map((e) => e.id).sort()).toEqual([...ids].sort());
    const rows = await database.query<{ status: string; attempts: number }>("select status, attempts from notification_deliveries where event_type = 'test'", []);
    expect(rows.map((r) => [r.status, Number(r.attempts)])).toEqual(ids.map(() => ["delivered", 1]));
  });
});

describe("what no sink wants is not written", () => {
  it("with no sink configured, trading writes no outbox row", async () => {
    const quiet = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0", WEBHOOK_RATE_LIMIT_PER_TOKEN: "0" });
    try {
      const s = await createStrategy(quiet, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null } });
      const done = await sendAlert(quiet, s, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
      expect(done.trace.orders).toMatchObject([{ status: "filled" }]);
      expect(await quiet.services.database.query("select id from notification_events", [])).toEqual([]);
      expect((await quiet.http.get("/v1/notifications/sinks").set(quiet.auth())).body).toEqual({ data: [] });
    } finally {
      await quiet.close();
    }
  });
});
