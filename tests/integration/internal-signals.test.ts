import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, waitForSignal, type CreatedStrategy } from "../helpers/strategies.js";

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const secret = (key: Buffer) => `whsec_${key.toString("base64")}`;

let t: TestApp;
let strategy: CreatedStrategy;
beforeAll(async () => {
  // Two secrets configured: the rotation window, where senders may sign with either.
  t = await startTestApp({ SIGNAL_WEBHOOK_SECRETS: `${secret(oldKey)} ${secret(newKey)}` });
  strategy = await createStrategy(t);
});
afterAll(() => t.close());

let n = 0;
const signalBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ strategy: strategy.key, symbol: "BTC/USDT", intent: { action: "open", side: "long" }, quantity: { value: "0.01", unit: "base" }, n: undefined, ...extra });

/** Signs as a Standard Webhooks sender would, computed here independently of the gateway's code. */
function signed(body: string, options: { id?: string; at?: number; key?: Buffer } = {}) {
  const id = options.id ?? `msg_${++n}_${randomBytes(4).toString("hex")}`;
  const timestamp = String(options.at ?? Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", options.key ?? newKey).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}`, "content-type": "application/json" };
}

const send = (body: string, headers: Record<string, string>) => t.http.post("/v1/signals").set(headers).send(body);

describe("POST /v1/signals with Standard Webhooks signatures", () => {
  it("accepts a valid signed signal with 202 and processes it", async () => {
    const res = await send(signalBody(), signed(signalBody()));
    expect(res.status).toBe(202);
    const done = await waitForSignal(t, res.body.id, ["processed"]);
    expect(done).toMatchObject({ source: "internal", symbol: "BTC/USDT", signal: { intent: { action: "open", side: "long" } } });
    expect(done.webhookId).toMatch(/^msg_/);
  });

  it("stores the body with secret-named fields redacted", async () => {
    const body = signalBody({ comment: "with a secret", passphrase: "Internal-Pass-123456" });
    const res = await send(body, signed(body));
    expect(res.status).toBe(202);
    const stored = await t.http.get(`/v1/signals/${res.body.id}`).set(t.auth());
    expect(stored.body.rawBody).not.toContain("Internal-Pass-123456");
    expect(stored.body.rawBody).toContain("with a secret");
  });

  it("accepts a signature made with the older of two rotated secrets", async () => {
    const body = signalBody({ comment: "old secret" });
    expect((await send(body, signed(body, { key: oldKey }))).status).toBe(202);
  });

  it("refuses stale and future-dated signals with 401", async () => {
    // Well past the 300 s window: the exact boundary is unit-tested with a fixed clock; here the
    // gateway's clock keeps running between signing and checking, so a 1 s margin would be flaky.
    const now = Math.floor(Date.now() / 1000);
    for (const at of [now - 330, now + 330]) {
      const body = signalBody({ comment: `at ${at}` });
      const res = await send(body, signed(body, { at }));
      expect(res.status, String(at)).toBe(401);
      expect(res.body.detail).toBe("authentication failed");
    }
  });

  it("refuses a wrong secret, a tampered body and missing headers with the same 401", async () => {
    const body = signalBody({ comment: "tamper" });
    const details = new Set<string>();
    for (const [b, h] of [
      [body, signed(body, { key: randomBytes(32) })],
      [body.replace("0.01", "10"), signed(body)],
      [body, { ...signed(body), "webhook-signature": "" }],
    ] as const) {
      const res = await send(b, h as Record<string, string>);
      expect(res.status).toBe(401);
      details.add(res.body.detail);
    }
    expect(details.size).toBe(1);
  });

  it("refuses an exact replay with 401 but answers a retry (same id, new timestamp) as a duplicate", async () => {
    const body = signalBody({ comment: "replay" });
    const headers = signed(body, { id: "msg_replay_1", at: Math.floor(Date.now() / 1000) - 10 });
    const first = await send(body, headers);
    expect(first.status).toBe(202);
    expect((await send(body, headers)).status).toBe(401);
    const retry = await send(body, signed(body, { id: "msg_replay_1" }));
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: first.body.id, duplicate: true });
  });

  it("stores a signal that fails the schema as rejected and answers 400 with field errors", async () => {
    const body = JSON.stringify({ strategy: strategy.key, symbol: "BTCUSDT", intent: { action: "moon" } });
    const res = await send(body, signed(body));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(["symbol"]));
    const stored = await t.http.get(`/v1/signals/${res.body.signalId}`).set(t.auth());
    expect(stored.body).toMatchObject({ status: "rejected", rejection: { reason: "SCHEMA_INVALID" } });
  });

  it("refuses an unknown strategy with 422 and a non-JSON body with 400", async () => {
    const unknown = JSON.stringify({ strategy: "no-such-strategy", symbol: "BTC/USDT", intent: { action: "close" } });
    const res = await send(unknown, signed(unknown));
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe("STRATEGY_UNKNOWN");
    const garbage = "not json";
    expect((await send(garbage, signed(garbage))).status).toBe(400);
  });
});

describe("POST /v1/signals with an API key", () => {
  it("accepts a write key and dedupes on Idempotency-Key", async () => {
    const body = signalBody({ comment: "api key" });
    const headers = { ...t.auth(), "content-type": "application/json", "idempotency-key": "order-42" };
    const first = await send(body, headers);
    const again = await send(body, headers);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it("forbids a read key and refuses no credentials at all", async () => {
    const made = await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "ro", scopes: ["read"] });
    const body = signalBody({ comment: "read key" });
    expect((await send(body, { ...t.auth(made.body.key), "content-type": "application/json" })).status).toBe(403);
    expect((await send(body, { "content-type": "application/json" })).status).toBe(401);
  });
});

describe("GET /v1/signals", () => {
  it("filters by strategy and status and pages with a cursor, newest first", async () => {
    const s = await createStrategy(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({ strategy: s.key, symbol: "ETH/USDT", intent: { action: "close" }, alertId: `page-${i}` });
      ids.push((await send(body, signed(body))).body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: Array<{ id: string }>; nextCursor: string | null } } = await t.http
        .get("/v1/signals")
        .query({ strategy: s.key, limit: 2, ...(cursor ? { cursor } : {}) })
        .set(t.auth());
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((r: { id: string }) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const rejected = await t.http.get("/v1/signals").query({ status: "rejected", strategy: s.key }).set(t.auth());
    expect(rejected.body.data).toEqual([]);
    expect((await t.http.get("/v1/signals").query({ cursor: "bogus" }).set(t.auth())).status).toBe(400);
    expect((await t.http.get("/v1/signals/sig_nope").set(t.auth())).status).toBe(404);
  });
});
