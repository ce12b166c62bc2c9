import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const SECRETS = {
  bearer: "sg_BearerSecretValue000000000000000000000000",
  apiKeyHeader: "XApiKeySecretValue1111111111",
  passphrase: "PassphraseSecretValue2222222",
  pathToken: "PathTokenSecretValue33333333333333",
  signature: "v1,SignatureSecretValue44444444444=",
  queryToken: "QueryTokenSecretValue5555555555",
  cookie: "CookieSecretValue66666666",
};

describe("secrets never reach the log", () => {
  it("keeps bearer keys, passphrases, tokens and signatures out of request lines", async () => {
    await t.http.get("/v1/api-keys").set("authorization", `Bearer ${SECRETS.bearer}`);
    await t.http.get("/v1/api-keys").set(t.auth()).set("x-api-key", SECRETS.apiKeyHeader).set("cookie", `s=${SECRETS.cookie}`);
    await t.http
      .post("/v1/api-keys")
      .set(t.auth())
      .set("webhook-signature", SECRETS.signature)
      .send({ name: "n", scopes: ["read"], passphrase: SECRETS.passphrase });
    await t.http.post(`/webhooks/tradingview/${SECRETS.pathToken}?token=${SECRETS.queryToken}`).send(`{"passphrase":"${SECRETS.passphrase}"}`);
    await t.http.get(`/healthz?token=${SECRETS.queryToken}`);

    const text = t.logs.text();
    expect(t.logs.requestLines().length).toBeGreaterThanOrEqual(5);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(text, `${name} leaked into the log`).not.toContain(secret);
    }
    // The admin key from the environment is a secret too.
    expect(text).not.toContain(t.adminKey);
  });

  it("logs the route pattern and a masked path for requests with tokens in the URL", async () => {
    await t.http.post(`/webhooks/tradingview/${SECRETS.pathToken}`).set("x-request-id", "mask-1").send("{}");
    const line = t.logs.requestLines().find((l) => l.requestId === "mask-1");
    expect(line?.path).toBe("/webhooks/tradingview/[redacted]");
  });

  it("redacts secret-named fields in any object handed to the logger", () => {
    t.services.logger.warn(
      {
        authorization: `Bearer ${SECRETS.bearer}`,
        config: { API_KEY: t.adminKey, DATABASE_URL: "postgres://u:pw-secret-7777@h/db" },
        signal: { passphrase: SECRETS.passphrase, token: SECRETS.pathToken, ticker: "BTCUSDT" },
        req: { headers: { "x-api-key": SECRETS.apiKeyHeader, "webhook-signature": SECRETS.signature } },
      },
      "probe",
    );
    const probe = t.logs.lines().find((l) => l.msg === "probe");
    const text = JSON.stringify(probe);
    for (const secret of [SECRETS.bearer, t.adminKey, "pw-secret-7777", SECRETS.passphrase, SECRETS.pathToken, SECRETS.apiKeyHeader, SECRETS.signature]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("BTCUSDT");
    expect(text).toContain("[redacted]");
  });
});
