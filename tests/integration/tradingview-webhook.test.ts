import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, waitForSignal, type CreatedStrategy } from "../helpers/strategies.js";

type Payload = { id: string; rendered: string; template: string; content_type: string; placeholders: string[] };
const payloads = JSON.parse(readFileSync(new URL("../fixtures/tradingview-payloads.json", import.meta.url), "utf8")) as Payload[];

let t: TestApp;
let open: CreatedStrategy;
beforeAll(async () => {
  // Trusting the loopback proxy lets each test speak from its own address through X-Forwarded-For.
  t = await startTestApp({ AUTH_FAILURE_LOCKOUT_THRESHOLD: "5", BODY_LIMIT_BYTES: "4096", TRUSTED_PROXIES: "127.0.0.1, ::1" });
  open = await createStrategy(t);
});
afterAll(() => t.close());

const post = (path: string, body: string, type = "application/json") => t.http.post(path).set("content-type", type).send(body);

describe("real-world payloads", () => {
  for (const payload of payloads) {
    it(`${payload.id}: is accepted or refused with a clear code, never a 5xx, and no secret is stored`, async () => {
      const res = await post(open.webhookPath, payload.rendered, payload.content_type);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      const id = res.status === 202 ? res.body.id : res.body.signalId;
      expect(id, JSON.stringify(res.body)).toMatch(/^sig_/);
      if (res.status !== 202) {
        expect(["MALFORMED_SIGNAL", "SIGNAL_REJECTED", "UNRENDERED_PLACEHOLDER"]).toContain(res.body.code);
        expect(res.body.reason).toMatch(/^[A-Z_]+$/);
      }
      const stored = await t.http.get(`/v1/signals/${id}`).set(t.auth());
      expect(stored.status).toBe(200);
      expect(stored.body.status).toEqual(res.status === 202 ? expect.stringMatching(/queued|processing|processed/) : "rejected");
      for (const secret of ["abcdefgh", "abcdefg", "YOUR-SECRET", "YOUR-UUID", "Your_PassPhrase_self_defined", "YOUR_SECRET", "60123456789"]) {
        expect(stored.body.rawBody).not.toContain(`"${secret}"`);
        expect(stored.body.rawBody.split(/[,\s]/)).not.toContain(secret);
      }
    });
  }

  it("accepts the plain TradersPost alert as a queued long target and processes it", async () => {
    const tv01 = payloads.find((p) => p.id === "tv01") as Payload;
    const res = await post(open.webhookPath, tv01.rendered.replace("15:00:01", "15:00:02"));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "queued", duplicate: false, ids: [res.body.id] });
    const done = await waitForSignal(t, res.body.id, ["processed"]);
    expect(done.signal).toMatchObject({ symbol: "BTC/USDT", intent: { action: "target", side: "long" }, referencePrice: "114679.56" });
    expect(done.processedAt).not.toBeNull();
  });

  it("refuses each unrendered template with UNRENDERED_PLACEHOLDER (422), stored as rejected", async () => {
    for (const payload of payloads.filter((p) => p.placeholders.length > 0)) {
      const res = await post(open.webhookPath, payload.template, "text/plain");
      expect(res.status, payload.id).toBe(422);
      expect(res.body.code).toBe("UNRENDERED_PLACEHOLDER");
      const stored = await t.http.get(`/v1/signals/${res.body.signalId}`).set(t.auth());
      expect(stored.body.rejection.code).toBe("UNRENDERED_PLACEHOLDER");
    }
  });
});

describe("refusals", () => {
  it("answers an unknown token exactly like an unknown URL", async () => {
    const res = await post("/webhooks/tradingview/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "{}");
    const other = await post("/webhooks/tradingviews/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "{}");
    expect(res.status).toBe(404);
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(other.body).sort());
    expect(res.body.code).toBe("NOT_FOUND");
    expect(JSON.stringify(res.body)).not.toMatch(/token|strategy/i);
  });

  it("answers a missing or wrong passphrase 401 with the same words", async () => {
    const s = await createStrategy(t, { passphrase: true });
    const missing = await post(s.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy" }));
    const wrong = await post(s.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", passphrase: "guess" }));
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.body.detail).toBe(missing.body.detail);
    const ok = await post(s.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", passphrase: s.passphrase }));
    expect(ok.status).toBe(202);
    const stored = await t.http.get(`/v1/signals/${ok.body.id}`).set(t.auth());
    expect(stored.body.rawBody).not.toContain(s.passphrase);
  });

  it("stores a malformed body as rejected and answers 400", async () => {
    const res = await post(open.webhookPath, "\u0000\u0001 not an alert at all", "text/plain");
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("MALFORMED_SIGNAL");
    const stored = await t.http.get(`/v1/signals/${res.body.signalId}`).set(t.auth());
    expect(stored.body).toMatchObject({ status: "rejected", rejection: { code: "MALFORMED_SIGNAL" } });
  });

  it("stores a NUL character that arrives JSON-escaped or form-encoded as U+FFFD, never answering 503", async () => {
    const json = await post(open.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", comment: "a\u0000b" }));
    const form = await post(open.webhookPath, "ticker=ETHUSDT&action=buy&comment=c%00d", "application/x-www-form-urlencoded");
    for (const [res, text] of [[json, "a\uFFFDb"], [form, "c\uFFFDd"]] as const) {
      expect(res.status).toBe(202);
      const stored = await t.http.get(`/v1/signals/${res.body.id}`).set(t.auth());
      expect(stored.body.signal.comment).toBe(text);
    }
  });

  it("answers 413 for an oversized alert", async () => {
    const res = await post(open.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", pad: "x".repeat(5000) }));
    expect(res.status).toBe(413);
  });

  it("stores alerts for a disabled strategy or a symbol it does not trade as rejected", async () => {
    const s = await createStrategy(t, { allowedSymbols: ["ETH/USDT"] });
    const wrongSymbol = await post(s.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy" }));
    expect(wrongSymbol.status).toBe(422);
    expect(wrongSymbol.body.reason).toBe("SYMBOL_NOT_ALLOWED");
    await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ enabled: false });
    const disabled = await post(s.webhookPath, JSON.stringify({ ticker: "ETHUSDT", action: "buy" }));
    expect(disabled.status).toBe(422);
    expect(disabled.body.reason).toBe("STRATEGY_DISABLED");
  });
});

describe("duplicates", () => {
  it("turns 100 concurrent copies of one delivery into exactly one ledger entry", async () => {
    const s = await createStrategy(t);
    const body = JSON.stringify({ ticker: "ETHUSDT", action: "sell", quantity: "0.5", time: "2025-09-15T15:00:01Z" });
    const answers = await Promise.all(Array.from({ length: 100 }, () => post(s.webhookPath, body)));
    expect(answers.map((a) => a.status).filter((s) => s === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200).every((a) => a.body.duplicate === true)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const ledger = await t.http.get(`/v1/signals?strategy=${s.key}&limit=500`).set(t.auth());
    expect(ledger.body.data).toHaveLength(1);
  });

  it("dedupes on an explicit alert id even when the bodies differ", async () => {
    const s = await createStrategy(t);
    const first = await post(s.webhookPath, JSON.stringify({ alert_id: "a-1", ticker: "BTCUSDT", action: "buy", time: "1" }));
    const second = await post(s.webhookPath, JSON.stringify({ alert_id: "a-1", ticker: "BTCUSDT", action: "buy", time: "2" }));
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, duplicate: true });
  });

  it("treats different bodies as different alerts", async () => {
    const s = await createStrategy(t);
    const a = await post(s.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", n: 1 }));
    const b = await post(s.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", n: 2 }));
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).not.toBe(b.body.id);
  });
});

describe("lockout", () => {
  it("answers 429 with Retry-After after repeated authentication failures from one address, and only there", async () => {
    const from = (address: string, path: string, body: string) =>
      t.http.post(path).set("content-type", "application/json").set("x-forwarded-for", address).send(body);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await from("198.51.100.7", `/webhooks/tradingview/guess${i}xxxxxxxxxxxxxxxxxxxx`, "{}")).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const locked = await from("198.51.100.7", open.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", n: "locked" }));
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("RATE_LIMITED");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    const elsewhere = await from("198.51.100.8", open.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", n: "free" }));
    expect(elsewhere.status).toBe(202);
  });
});

describe("TradingView address allowlist", () => {
  it("admits only TradingView's addresses, as seen through a trusted proxy", async () => {
    const guarded = await startTestApp({ TRADINGVIEW_IP_ALLOWLIST: "true", TRUSTED_PROXIES: "127.0.0.1, ::1" });
    try {
      const s = await createStrategy(guarded);
      const send = (address: string, n: number) =>
        guarded.http.post(s.webhookPath).set("content-type", "application/json").set("x-forwarded-for", address)
          .send(JSON.stringify({ ticker: "BTCUSDT", action: "buy", n }));
      expect((await send("52.89.214.238", 1)).status).toBe(202);
      expect((await send("203.0.113.5", 2)).status).toBe(401);
      // A client cannot smuggle an allowed address in front of its own.
      expect((await send("52.89.214.238, 203.0.113.5", 3)).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });
});

describe("when the ledger cannot commit", () => {
  it("answers 503, never 2xx", async () => {
    const s = await createStrategy(t);
    await t.db.kill();
    const res = await post(s.webhookPath, JSON.stringify({ ticker: "BTCUSDT", action: "buy", n: "db-down" }));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("SERVICE_UNAVAILABLE");
    expect(res.headers["retry-after"]).toBeDefined();
  });
});
