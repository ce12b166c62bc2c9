import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";

// Input that PostgreSQL refuses (a NUL in text, instants past year 9999, numbers beyond numeric, a
// seq beyond bigint) must be a 4xx naming the field, never a 500 or a 503 a sender retries forever.

const signingKey = randomBytes(32);
const FIRST = 1745971200000; // 2025-04-30T00:00Z
const HOUR = 3_600_000;
const MAX_MS = 253402300799999; // 9999-12-31T23:59:59.999Z

let t: TestApp;
let strategy: CreatedStrategy;
beforeAll(async () => {
  t = await startTestApp({ SIGNAL_WEBHOOK_SECRETS: `whsec_${signingKey.toString("base64")}` });
  strategy = await createStrategy(t);
});
afterAll(() => t.close());

const cursor = (text: string) => Buffer.from(text).toString("base64url");

function expectInvalid(res: { status: number; body: Record<string, unknown> }, path: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toMatchObject({ code: "VALIDATION_FAILED" });
  expect((res.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
}

describe("a NUL character (U+0000) anywhere in a /v1 request", () => {
  it("is refused in a path id, while an ordinary unknown id is a 404", async () => {
    expectInvalid(await t.http.get("/v1/orders/a%00b").set(t.auth()), "path");
    expect((await t.http.get("/v1/orders/ord_missing").set(t.auth())).status).toBe(404);
  });

  it("is refused in a query value or name, while an ordinary filter lists", async () => {
    expectInvalid(await t.http.get("/v1/orders?strategy=a%00b").set(t.auth()), "query.strategy");
    expectInvalid(await t.http.get("/v1/orders?a%00=1").set(t.auth()), "query.a\\u0000");
    expect((await t.http.get("/v1/orders?strategy=ab").set(t.auth())).status).toBe(200);
  });

  it("is refused in a JSON body string, naming the field, on PUT, PATCH and POST", async () => {
    expectInvalid(await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "ACTIVE", reason: "a\u0000b" }), "reason");
    expectInvalid(await t.http.patch(`/v1/strategies/${strategy.id}`).set(t.auth()).send({ name: "a\u0000b" }), "name");
    expectInvalid(await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "x\u0000", scopes: ["read"] }), "name");
    expectInvalid(await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "x", scopes: ["read\u0000"] }), "scopes.0");
    expectInvalid(await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "x", scopes: ["read"], "a\u0000": 1 }), "a\\u0000");
    const stored = await t.http.get("/v1/trading-state").set(t.auth());
    expect(stored.body.reason).not.toContain("\u0000");
  });

  it("leaves the same fields working without one", async () => {
    expect((await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "ACTIVE", reason: "a b" })).status).toBe(200);
    const patched = await t.http.patch(`/v1/strategies/${strategy.id}`).set(t.auth()).send({ name: "a b" });
    expect(patched.status).toBe(200);
    expect((await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "x", scopes: ["read"] })).status).toBe(201);
  });

  it("asks for authentication first, and leaves malformed JSON to the validator's own 400", async () => {
    expect((await t.http.get("/v1/orders/a%00b")).status).toBe(401);
    const malformed = await t.http.post("/v1/api-keys").set(t.auth()).set("content-type", "application/json").send('{"name":"\\u0000');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: "VALIDATION_FAILED", detail: "Malformed JSON in request body" });
  });

  it("still reaches the TradingView webhook, which stores it replaced (it is not under /v1)", async () => {
    const res = await t.http
      .post(strategy.webhookPath)
      .set("content-type", "application/json")
      .send(JSON.stringify({ ticker: "BTCUSDT", action: "buy", comment: "a\u0000b" }));
    expect(res.status).toBe(202);
  });
});

describe("POST /v1/signals with a NUL in the strategy reference", () => {
  const body = (ref: string) => JSON.stringify({ strategy: ref, symbol: "BTC/USDT", intent: { action: "open", side: "long" }, quantity: { value: "0.01", unit: "base" } });
  const signed = (text: string, key = signingKey) => {
    const id = `msg_${randomBytes(6).toString("hex")}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${text}`).digest("base64");
    return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}`, "content-type": "application/json" };
  };
  const send = (text: string, headers: Record<string, string>) => t.http.post("/v1/signals").set(headers).send(text);

  it("answers 400 naming `strategy`, not 503, whether signed or sent with an API key", async () => {
    const text = body("t\u0000");
    const bySignature = await send(text, signed(text));
    expectInvalid(bySignature, "strategy");
    expect(bySignature.headers["retry-after"]).toBeUndefined();
    expectInvalid(await send(text, { ...t.auth(), "content-type": "application/json" }), "strategy");
  });

  it("verifies the signature before looking at the body", async () => {
    const text = body("t\u0000");
    expect((await send(text, signed(text, randomBytes(32)))).status).toBe(401);
  });

  it("accepts the same signal naming a real strategy", async () => {
    const text = body(strategy.key);
    expect((await send(text, signed(text))).status).toBe(202);
  });
});

describe("instants beyond what timestamptz can hold", () => {
  it("GET /v1/signals refuses since and until outside years 1 to 9999", async () => {
    expectInvalid(await t.http.get("/v1/signals").query({ since: "0000-01-01T00:00:00Z" }).set(t.auth()), "query.since");
    expectInvalid(await t.http.get("/v1/signals").query({ until: "9999-12-31T23:59:59-10:00" }).set(t.auth()), "query.until");
    const edges = await t.http.get("/v1/signals").query({ since: "0001-01-01T00:00:00Z", until: "9999-12-31T23:59:59.999Z" }).set(t.auth());
    expect(edges.status).toBe(200);
  });

  it("GET /v1/candles refuses from and to outside the range, in milliseconds or ISO 8601", async () => {
    const list = (query: Record<string, string>) => t.http.get("/v1/candles").query({ symbol: "BTC/USDT", timeframe: "1h", ...query }).set(t.auth());
    expectInvalid(await list({ from: String(MAX_MS + 1) }), "query.from");
    expectInvalid(await list({ to: "0000-12-31T23:59:59Z" }), "query.to");
    expectInvalid(await list({ to: "+010000-01-01T00:00:00Z" }), "query.to");
    const edges = await list({ from: "0001-01-01T00:00:00Z", to: String(MAX_MS) });
    expect(edges.status).toBe(200);
  });

  it("POST /v1/backtests and /v1/parameter-searches refuse from and to outside the range", async () => {
    const base = { strategy: { type: "sma-cross", params: { fast: 5, slow: 20 } }, symbols: ["BTC/USDT"], timeframe: "1h" };
    const search = { method: "grid", space: { fast: [3, 5], slow: [15, 25] } };
    for (const [path, extra] of [["/v1/backtests", {}], ["/v1/parameter-searches", search]] as const) {
      const submit = (range: Record<string, unknown>) => t.http.post(path).set(t.auth()).send({ ...base, ...extra, ...range });
      expectInvalid(await submit({ from: FIRST, to: 999999999999998 }), "to");
      expectInvalid(await submit({ from: FIRST, to: 9007199254740990 }), "to");
      expectInvalid(await submit({ from: "0000-01-01T00:00:00Z", to: FIRST }), "from");
      expectInvalid(await submit({ from: FIRST, to: String(MAX_MS + 1) }), "to");
      // In range: validation passes and the request fails on its merits (no candles stored).
      const ok = await submit({ from: FIRST, to: FIRST + 10 * HOUR });
      expect(ok.body.code, path).toBe("CANDLES_MISSING");
    }
  });
});

describe("cursors whose value no column can hold", () => {
  it("GET /v1/positions refuses an opened-at past year 9999 as an invalid cursor", async () => {
    expectInvalid(await t.http.get("/v1/positions").query({ cursor: cursor("p253402300800000.x") }).set(t.auth()), "cursor");
    const edge = await t.http.get("/v1/positions").query({ cursor: cursor(`p${MAX_MS}.x`) }).set(t.auth());
    expect(edge.status).toBe(200);
  });

  it("GET /v1/notifications/deliveries refuses a seq beyond bigint as an invalid cursor", async () => {
    expectInvalid(await t.http.get("/v1/notifications/deliveries").query({ cursor: cursor("d:9999999999999999999") }).set(t.auth()), "cursor");
    const big = await t.http.get("/v1/notifications/deliveries").query({ cursor: cursor("d:999999999999999999") }).set(t.auth());
    expect(big.status).toBe(200);
  });
});

describe("POST /v1/candles/import with values PostgreSQL cannot store", () => {
  it("counts them as invalid rows and imports the rest of the batch", async () => {
    const rows = [
      `${FIRST},1,2,0.5,1.5,1`,
      `${FIRST + HOUR},1e200000,1e200000,1e200000,1e200000,1`,
      `${FIRST + 2 * HOUR},1e-20000,1e-20000,1e-20000,1e-20000,1`,
      "253402300800000,1,2,0.5,1.5,1",
      `${FIRST + 3 * HOUR},1e5,2e5,0.5e5,1.5e5,0.00000001`,
    ];
    const res = await t.http
      .post("/v1/candles/import?symbol=ETH/USDT&timeframe=1h")
      .set(t.auth())
      .set("content-type", "text/csv")
      .send(rows.join("\n"));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ validRows: 2, imported: 2, invalidRows: { count: 3 } });
    const stored = await t.http.get("/v1/candles").query({ symbol: "ETH/USDT", timeframe: "1h" }).set(t.auth());
    expect(stored.body.data.map((c: { open: string }) => c.open)).toEqual(["1", "100000"]);
  });
});
