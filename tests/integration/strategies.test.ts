import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy } from "../helpers/strategies.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const alert = JSON.stringify({ ticker: "BTCUSDT", action: "buy", quantity: "0.01" });

describe("POST /v1/strategies", () => {
  it("returns a webhook URL around a 256-bit token and a passphrase, each only once", async () => {
    const res = await t.http
      .post("/v1/strategies")
      .set(t.auth())
      .send({ key: "btc-trend", name: "BTC trend", allowedSymbols: ["BTC/USDT"], passphrase: true });
    expect(res.status).toBe(201);
    const token = new URL(res.body.webhookUrl).pathname.split("/").pop() as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.passphrase).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(res.body.strategy).toMatchObject({ key: "btc-trend", enabled: true, allowedSymbols: ["BTC/USDT"], passphraseRequired: true });

    const read = await t.http.get(`/v1/strategies/${res.body.strategy.id}`).set(t.auth());
    const list = await t.http.get("/v1/strategies").set(t.auth());
    for (const body of [read.body, list.body]) {
      expect(JSON.stringify(body)).not.toContain(token);
      expect(JSON.stringify(body)).not.toContain(res.body.passphrase);
    }
  });

  it("refuses a key that is taken with 409", async () => {
    await createStrategy(t, { key: "taken" });
    const res = await t.http.post("/v1/strategies").set(t.auth()).send({ key: "taken", name: "again" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("CONFLICT");
  });

  it("reports every invalid field at once", async () => {
    const res = await t.http.post("/v1/strategies").set(t.auth()).send({ key: "Bad Key!", name: "", allowedSymbols: ["BTCUSDT"] });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["allowedSymbols.0", "key", "name"]);
  });

  it("needs the write scope to create, and read to list", async () => {
    const made = await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "ro", scopes: ["read"] });
    const readKey = made.body.key as string;
    expect((await t.http.get("/v1/strategies").set(t.auth(readKey))).status).toBe(200);
    const denied = await t.http.post("/v1/strategies").set(t.auth(readKey)).send({ key: "nope", name: "nope" });
    expect(denied.status).toBe(403);
    expect((await t.http.get("/v1/strategies")).status).toBe(401);
  });
});

describe("PATCH /v1/strategies/{id}", () => {
  it("changes name, enabled and allowed symbols", async () => {
    const s = await createStrategy(t);
    const res = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ enabled: false, allowedSymbols: ["ETH/USDT"] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled: false, allowedSymbols: ["ETH/USDT"] });
  });

  it("answers 404 for an unknown strategy and 400 for an empty change", async () => {
    expect((await t.http.patch("/v1/strategies/stg_nope").set(t.auth()).send({ enabled: true })).status).toBe(404);
    const s = await createStrategy(t);
    expect((await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({})).status).toBe(400);
  });
});

describe("trading configuration", () => {
  it("fills safe defaults and stores what was given", async () => {
    const res = await t.http.post("/v1/strategies").set(t.auth()).send({
      key: "configured",
      name: "configured",
      sizing: { type: "risk_percent", percent: "0.5" },
      defaultStopLossPercent: "2",
      riskLimits: { maxOrderNotional: "250" },
    });
    expect(res.status).toBe(201);
    expect(res.body.strategy).toMatchObject({
      mode: "paper",
      accountId: null,
      sizing: { type: "risk_percent", percent: "0.5" },
      defaultOrderType: { type: "market" },
      defaultStopLossPercent: "2",
      pyramiding: false,
      oppositeSignal: "reverse",
      riskLimits: { maxOrderNotional: "250", maxDailyLossPercent: "5", dailyLossAction: "REDUCING" },
    });
  });

  it("merges a risk-limit change into the current limits and replaces other fields", async () => {
    const s = await createStrategy(t);
    const res = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ riskLimits: { maxOpenPositions: 2 }, pyramiding: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pyramiding: true, riskLimits: { maxOpenPositions: 2, maxOrderNotional: "1000" } });
    const again = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ riskLimits: { maxOrderNotional: null } });
    expect(again.body.riskLimits).toMatchObject({ maxOpenPositions: 2, maxOrderNotional: null });
  });

  it("reports every configuration violation at once", async () => {
    const res = await t.http.post("/v1/strategies").set(t.auth()).send({
      key: "bad-config",
      name: "bad",
      mode: "yolo",
      sizing: { type: "fixed_base", quantity: "-1" },
      oppositeSignal: "flip",
      riskLimits: { maxOrderNotional: "abc", unknownLimit: 1 },
    });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["mode", "oppositeSignal", "riskLimits.maxOrderNotional", "riskLimits.unknownLimit"]));
    expect(paths.some((p: string) => p.startsWith("sizing"))).toBe(true);
  });
});

describe("rotation", () => {
  it("retires the old webhook URL at once", async () => {
    const s = await createStrategy(t);
    expect((await t.http.post(s.webhookPath).type("text/plain").send(alert)).status).toBe(202);
    const rotated = await t.http.post(`/v1/strategies/${s.id}/webhook-token/rotate`).set(t.auth());
    expect(rotated.status).toBe(200);
    const newPath = new URL(rotated.body.webhookUrl).pathname;
    expect(newPath).not.toBe(s.webhookPath);
    expect((await t.http.post(s.webhookPath).type("text/plain").send(`${alert} `)).status).toBe(404);
    expect((await t.http.post(newPath).type("text/plain").send(`${alert}  `)).status).toBe(202);
  });

  it("retires the old passphrase at once, and can drop the requirement", async () => {
    const s = await createStrategy(t, { passphrase: true });
    const withPass = (p: string, n: number) => JSON.stringify({ ticker: "BTCUSDT", action: "buy", passphrase: p, n });
    expect((await t.http.post(s.webhookPath).type("json").send(withPass(s.passphrase as string, 1))).status).toBe(202);
    const rotated = await t.http.post(`/v1/strategies/${s.id}/passphrase/rotate`).set(t.auth());
    expect(rotated.body.strategy.passphraseRequired).toBe(true);
    expect((await t.http.post(s.webhookPath).type("json").send(withPass(s.passphrase as string, 2))).status).toBe(401);
    expect((await t.http.post(s.webhookPath).type("json").send(withPass(rotated.body.passphrase, 3))).status).toBe(202);
    const removed = await t.http.delete(`/v1/strategies/${s.id}/passphrase`).set(t.auth());
    expect(removed.body.strategy.passphraseRequired).toBe(false);
    expect(removed.body.passphrase).toBeUndefined();
    expect((await t.http.post(s.webhookPath).type("json").send(JSON.stringify({ ticker: "BTCUSDT", action: "sell" }))).status).toBe(202);
  });
});
