import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWebhookSecrets, verifyStandardWebhook, type WebhookSecret } from "../../src/ingest/standard-webhooks.js";
import type { Clock } from "../../src/lib/clock.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert } from "../helpers/trading.js";
import { startReceiver, type Answer, type Receiver } from "./notifications-receivers.js";
import { NOTIFICATION_EVENT_TYPES } from "../../src/notifications/events.js";

/**
 * Each sink type against a local HTTP receiver standing in for its service, driven one pass at a
 * time (NOTIFICATION_DISPATCH_MS=0, dispatcher.runOnce) on a clock that only moves when told, so
 * retries come due exactly when the test says.
 */

class ManualClock implements Clock {
  private at = Date.parse("2026-03-02T09:00:00.000Z");
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

const clock = new ManualClock();
const SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;
const TOKEN = "424242:telegram-secret-ABCDEFGHIJ";
const SLACK_PATH = "/services/T0/B0/slack-secret-0123456789";
const DISCORD_PATH = "/api/webhooks/42/discord-secret-0123456789";
const AUDIT_PATH = "/hooks/gateway?token=audit-secret-0123456789";
const secrets = (parseWebhookSecrets(SECRET) as { ok: true; secrets: WebhookSecret[] }).secrets;

/** What each receiver answers next; empty: 200. */
const scripted = (queue: Answer[]) => () => queue.shift() ?? { status: 200, body: "ok" };
const slackAnswers: Answer[] = [];
const auditAnswers: Answer[] = [];

let slack: Receiver;
let discord: Receiver;
let telegram: Receiver;
let audit: Receiver;
let env: Record<string, string>;
let t: TestApp;
let strategy: CreatedStrategy;
let readKey: string;

beforeAll(async () => {
  [slack, discord, telegram, audit] = await Promise.all([startReceiver(scripted(slackAnswers)), startReceiver(), startReceiver(), startReceiver(scripted(auditAnswers))]);
  env = {
    PAPER_SLIPPAGE_BPS: "0",
    WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0",
    WEBHOOK_RATE_LIMIT_PER_TOKEN: "0",
    NOTIFICATION_DISPATCH_MS: "0",
    NOTIFICATION_SINKS: JSON.stringify([
      { name: "ops-slack", type: "slack", urlEnv: "SLACK_URL", events: ["fill", "position.closed"] },
      { name: "ops-discord", type: "discord", urlEnv: "DISCORD_URL", events: ["risk.denied"] },
      { name: "desk", type: "telegram", botTokenEnv: "TELEGRAM_TOKEN", chatId: "-100200300", apiBaseUrl: telegram.url },
      { name: "audit", type: "webhook", urlEnv: "AUDIT_URL", secretEnv: "AUDIT_SECRET" },
    ]),
    SLACK_URL: `${slack.url}${SLACK_PATH}`,
    DISCORD_URL: `${discord.url}${DISCORD_PATH}`,
    TELEGRAM_TOKEN: TOKEN,
    AUDIT_URL: `${audit.url}${AUDIT_PATH}`,
    AUDIT_SECRET: SECRET,
  };
  t = await startTestApp(env, { clock });
  strategy = await createStrategy(t, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null } });
  readKey = (await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "ro", scopes: ["read"] })).body.key;
});
afterAll(async () => {
  await t?.close();
  await Promise.all([slack, discord, telegram, audit].map((r) => r?.close()));
});

const runOnce = () => t.services.notifications.dispatcher.runOnce();
type Delivery = { eventId: string; eventType: string; sink: string; status: string; attempts: number; nextAttemptAt: string | null; lastStatusCode: number | null; lastError: string | null; deliveredAt: string | null };

async function deliveries(query: Record<string, string> = {}): Promise<Delivery[]> {
  const res = await t.http.get("/v1/notifications/deliveries").query({ limit: 500, ...query }).set(t.auth());
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

async function sendTest(sink: string): Promise<string> {
  const res = await t.http.post(`/v1/notifications/sinks/${sink}/test`).set(t.auth());
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body).toMatchObject({ sink, status: "queued", eventId: expect.stringMatching(/^evt_/) });
  return res.body.eventId;
}

function verify(received: { headers: Record<string, unknown>; body: string }) {
  return verifyStandardWebhook({
    id: received.headers["webhook-id"] as string,
    timestamp: received.headers["webhook-timestamp"] as string,
    signature: received.headers["webhook-signature"] as string,
    body: received.body,
    secrets,
    now: clock.now(),
  });
}

describe("each sink type, in its service's format", () => {
  it("a test event reaches only the sink it was sent to, whatever its filter, in that sink's format", async () => {
    const ids = { slack: await sendTest("ops-slack"), discord: await sendTest("ops-discord"), telegram: await sendTest("desk"), audit: await sendTest("audit") };
    await runOnce();
    expect([slack, discord, telegram, audit].map((r) => r.requests.length)).toEqual([1, 1, 1, 1]);

    expect(slack.requests[0]).toMatchObject({ method: "POST", path: SLACK_PATH, headers: { "content-type": "application/json" } });
    expect(slack.json()[0]).toEqual({ text: "[signal-gateway] Test notification for sink 'ops-slack': notifications reach this channel." });
    expect(discord.requests[0]?.path).toBe(DISCORD_PATH);
    expect(discord.json()[0]).toEqual({ content: "[signal-gateway] Test notification for sink 'ops-discord': notifications reach this channel.", allowed_mentions: { parse: [] } });
    expect(telegram.requests[0]?.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(telegram.json()[0]).toEqual({ chat_id: "-100200300", text: "[signal-gateway] Test notification for sink 'desk': notifications reach this channel.", disable_web_page_preview: true });

    const hook = audit.requests[0] as (typeof audit.requests)[number];
    expect(hook.path).toBe(AUDIT_PATH);
    expect(hook.headers["webhook-id"]).toBe(ids.audit);
    expect(verify(hook)).toEqual({ ok: true, id: ids.audit, timestamp: new Date(Math.floor(clock.now().getTime() / 1000) * 1000) });
    expect(JSON.parse(hook.body)).toEqual({ type: "test", timestamp: clock.now().toISOString(), data: { sink: "audit", message: "a test notification from signal-gateway", at: clock.now().toISOString() } });

    const delivered = await deliveries();
    for (const [sink, id] of [["ops-slack", ids.slack], ["ops-discord", ids.discord], ["desk", ids.telegram], ["audit", ids.audit]]) {
      expect(delivered.filter((d) => d.eventId === id)).toEqual([expect.objectContaining({ sink, eventType: "test", status: "delivered", attempts: 1, lastStatusCode: 200, lastError: null })]);
    }
  });

  it("a webhook signed with another secret does not verify: the signature is over this secret", async () => {
    const hook = audit.requests.at(-1) as (typeof audit.requests)[number];
    const other = (parseWebhookSecrets(`whsec_${Buffer.alloc(32, 8).toString("base64")}`) as { ok: true; secrets: WebhookSecret[] }).secrets;
    expect(verifyStandardWebhook({ id: hook.headers["webhook-id"] as string, timestamp: hook.headers["webhook-timestamp"] as string, signature: hook.headers["webhook-signature"] as string, body: hook.body, secrets: other, now: clock.now() })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });
  });
});

describe("per-sink filters route the events", () => {
  it("a paper fill goes to the sinks that take fills, a denial to those that take denials, each once", async () => {
    const before = { slack: slack.requests.length, discord: discord.requests.length, telegram: telegram.requests.length, audit: audit.requests.length };
    const filled = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
    const denied = await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "buy", quantity: "0.00001", price: "100000" });
    expect(filled.trace.orders).toMatchObject([{ status: "filled" }]);
    expect(denied.trace.decisions).toMatchObject([{ outcome: "denied", reason: "NOTIONAL_BELOW_MIN" }]);
    await runOnce();

    const types = (r: Receiver, from: number) => r.requests.slice(from).map((q) => q.body);
    expect(types(slack, before.slack)).toEqual([expect.stringContaining("Fill: BUY 0.01 ETH/USDT at 4000")]);
    expect(types(discord, before.discord)).toEqual([expect.stringContaining("Risk denied: BUY BTC/USDT: NOTIONAL_BELOW_MIN (limit minCost=5)")]);
    expect(types(telegram, before.telegram)).toEqual([expect.stringContaining("Fill: BUY"), expect.stringContaining("Risk denied: BUY")]);
    const hooks = audit.requests.slice(before.audit).map((r) => JSON.parse(r.body) as { type: string });
    expect(hooks.map((h) => h.type)).toEqual(["fill", "risk.denied"]);

    const fillEvents = (await deliveries({ status: "delivered" })).filter((d) => d.eventType === "fill");
    expect(fillEvents.map((d) => d.sink).sort()).toEqual(["audit", "desk", "ops-slack"]);
    expect(new Set(fillEvents.map((d) => d.eventId)).size).toBe(1);
    expect((await deliveries({ sink: "ops-discord" })).map((d) => d.eventType)).toEqual(["risk.denied", "test"]);
  });
});

describe("retries", () => {
  it("a receiver that answers 500 then 200 gets the event once more after the backoff, with the same webhook-id, and accepts it once", async () => {
    auditAnswers.push({ status: 500, body: "upstream broke" });
    const id = await sendTest("audit");
    const from = audit.requests.length;
    await runOnce();
    const [first] = await deliveries({ sink: "audit" });
    expect(first).toMatchObject({ eventId: id, status: "pending", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500: upstream broke", deliveredAt: null });
    // Not due yet: another pass sends nothing.
    await runOnce();
    expect(audit.requests.length - from).toBe(1);
    // The first retry waits between half and all of the 30 s base.
    const wait = Date.parse(first?.nextAttemptAt as string) - clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    clock.advance(wait);
    await runOnce();
    const sent = audit.requests.slice(from);
    expect(sent.map((r) => r.headers["webhook-id"])).toEqual([id, id]);
    expect(sent.map((r) => r.body)).toEqual([sent[0]?.body, sent[0]?.body]);
    expect(sent.map((r) => verify(r).ok)).toEqual([true, true]);
    const [done] = await deliveries({ sink: "audit" });
    expect(done).toMatchObject({ eventId: id, status: "delivered", attempts: 2, lastStatusCode: 200, lastError: "HTTP 500: upstream broke", nextAttemptAt: null });
    await runOnce();
    expect(audit.requests.length - from).toBe(2);
  });

  it("a 429 is retried exactly when its Retry-After says, not before", async () => {
    auditAnswers.push({ status: 429, headers: { "retry-after": "120" }, body: "slow down" });
    const id = await sendTest("audit");
    const from = audit.requests.length;
    await runOnce();
    const [throttled] = await deliveries({ sink: "audit" });
    expect(throttled).toMatchObject({ eventId: id, status: "pending", attempts: 1, lastStatusCode: 429, nextAttemptAt: new Date(clock.now().getTime() + 120_000).toISOString() });
    clock.advance(119_999);
    await runOnce();
    expect(audit.requests.length - from).toBe(1);
    clock.advance(1);
    await runOnce();
    expect(audit.requests.length - from).toBe(2);
    expect((await deliveries({ sink: "audit" }))[0]).toMatchObject({ eventId: id, status: "delivered", attempts: 2 });
  });

  it("a refusal for good (404) fails at once; the stored error keeps the answer, never the URL the receiver echoed", async () => {
    slackAnswers.push({ status: 404, body: `no_service: nothing at ${env.SLACK_URL}` });
    const id = await sendTest("ops-slack");
    await runOnce();
    const [failed] = await deliveries({ sink: "ops-slack", status: "failed" });
    expect(failed).toMatchObject({ eventId: id, status: "failed", attempts: 1, lastStatusCode: 404, nextAttemptAt: null, lastError: `HTTP 404: no_service: nothing at ***` });
    clock.advance(24 * 3600_000);
    await runOnce();
    expect((await deliveries({ sink: "ops-slack" }))[0]).toMatchObject({ eventId: id, status: "failed", attempts: 1 });
  });
});

describe("GET /v1/notifications/sinks", () => {
  it("lists names, types, filters and health from the deliveries, never a URL, token or secret", async () => {
    const res = await t.http.get("/v1/notifications/sinks").set(t.auth(readKey));
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: { name: string; type: string; events: string[] }) => [s.name, s.type, s.events.length])).toEqual([
      ["ops-slack", "slack", 2],
      ["ops-discord", "discord", 1],
      // No filter: every type.
      ["desk", "telegram", NOTIFICATION_EVENT_TYPES.length],
      ["audit", "webhook", NOTIFICATION_EVENT_TYPES.length],
    ]);
    const bySink = Object.fromEntries(res.body.data.map((s: { name: string; health: unknown }) => [s.name, s.health]));
    expect(bySink["ops-slack"]).toEqual({ lastSuccessAt: expect.any(String), lastFailureAt: expect.any(String), lastError: "HTTP 404: no_service: nothing at ***", pending: 0, failed: 1 });
    expect(bySink["ops-discord"]).toEqual({ lastSuccessAt: expect.any(String), lastFailureAt: null, lastError: null, pending: 0, failed: 0 });
    expect(bySink.audit).toMatchObject({ lastError: "HTTP 429: slow down", pending: 0, failed: 0 });
    expect(Object.keys(res.body.data[2])).toEqual(["name", "type", "events", "health"]);
  });
});

describe("REST errors and auth", () => {
  it("a test for an unknown sink is 404; a malformed name 400", async () => {
    const unknown = await t.http.post("/v1/notifications/sinks/nope/test").set(t.auth());
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "NOT_FOUND", detail: "no notification sink named nope" });
    expect((await t.http.post("/v1/notifications/sinks/Not%20A%20Name/test").set(t.auth())).body).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("listing needs a key, sending a test needs write", async () => {
    expect((await t.http.get("/v1/notifications/sinks")).status).toBe(401);
    expect((await t.http.get("/v1/notifications/deliveries")).status).toBe(401);
    expect((await t.http.post("/v1/notifications/sinks/audit/test")).status).toBe(401);
    const forbidden = await t.http.post("/v1/notifications/sinks/audit/test").set(t.auth(readKey));
    expect(forbidden.status).toBe(403);
    expect((await t.http.get("/v1/notifications/deliveries").set(t.auth(readKey))).status).toBe(200);
  });

  it("deliveries filter by status and sink, page newest first, and refuse an unknown status", async () => {
    const all = await deliveries();
    const first = await t.http.get("/v1/notifications/deliveries").query({ limit: 2 }).set(t.auth());
    const second = await t.http.get("/v1/notifications/deliveries").query({ limit: 2, cursor: first.body.nextCursor }).set(t.auth());
    expect([...first.body.data, ...second.body.data]).toEqual(all.slice(0, 4));
    expect((await deliveries({ status: "failed" })).every((d) => d.status === "failed")).toBe(true);
    expect((await deliveries({ sink: "desk" })).every((d) => d.sink === "desk")).toBe(true);
    expect((await deliveries({ sink: "nope" })).length).toBe(0);
    expect((await t.http.get("/v1/notifications/deliveries").query({ status: "lost" }).set(t.auth())).body).toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("secrets", () => {
  it("no URL, token or signing secret in logs, responses or stored rows", async () => {
    const values = [SLACK_PATH, DISCORD_PATH, "slack-secret", "discord-secret", TOKEN, "telegram-secret", "audit-secret", SECRET, SECRET.slice(6)];
    const responses = [
      (await t.http.get("/v1/notifications/sinks").set(t.auth())).text,
      (await t.http.get("/v1/notifications/deliveries").query({ limit: 500 }).set(t.auth())).text,
    ].join("\n");
    const stored = JSON.stringify([
      await t.services.database.query("select * from notification_deliveries", []),
      await t.services.database.query("select * from notification_events", []),
    ]);
    for (const value of values) {
      expect(t.logs.text(), value).not.toContain(value);
      expect(responses, value).not.toContain(value);
      expect(stored, value).not.toContain(value);
    }
  });
});
