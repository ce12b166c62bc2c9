import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";

let t: TestApp;
let open: CreatedStrategy;
let guarded: CreatedStrategy;
beforeAll(async () => {
  t = await startTestApp({
    SIGNAL_WEBHOOK_SECRETS: `whsec_${Buffer.alloc(32, 7).toString("base64")}`,
    WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0",
    WEBHOOK_RATE_LIMIT_PER_TOKEN: "0",
    AUTH_FAILURE_LOCKOUT_THRESHOLD: "0",
  });
  open = await createStrategy(t);
  guarded = await createStrategy(t, { passphrase: true });
});
afterAll(() => t.close());

const word = fc.constantFrom("buy", "sell", "long", "short", "close", "exit_long", "BTCUSDT", "ETH-PERP", "{{ticker}}", "0.5", "-1", "1e400", "passphrase", "secret", "null");
const jsonish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom("ticker", "action", "side", "quantity", "price", "sentiment", "size", "sl", "tp", "time", "passphrase"), word).map((o) => JSON.stringify(o)),
  fc.array(fc.tuple(fc.constantFrom("SYMBOL", "SIGNAL", "VOLUME", "action", "ticker"), word), { maxLength: 6 }).map((kv) => kv.map(([k, v]) => `${k}=${v}`).join("\n")),
  fc.array(word, { maxLength: 8 }).map((w) => w.join(" ")),
);
const contentType = fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "text/plain; charset=utf-8", "application/octet-stream", "");

describe("ingestion under arbitrary input", () => {
  it("never answers 5xx, and a passphrase-protected strategy accepts nothing without it", async () => {
    await fc.assert(
      fc.asyncProperty(jsonish, contentType, async (body, type) => {
        const req = (path: string) => t.http.post(path).set("content-type", type || "text/plain").send(body);
        const [toOpen, toGuarded, toUnknown] = await Promise.all([
          req(open.webhookPath),
          req(guarded.webhookPath),
          req("/webhooks/tradingview/unknown-token-unknown-token-unknown-token-xx"),
        ]);
        for (const res of [toOpen, toGuarded, toUnknown]) expect(res.status, body).toBeLessThan(500);
        expect(toGuarded.status).toBe(401);
        expect(toUnknown.status).toBe(404);
        if (toOpen.status === 202) expect(toOpen.body.id).toMatch(/^sig_/);
      }),
      { numRuns: 120 },
    );
  });

  it("never accepts an internal signal whose headers were not signed with a configured secret", async () => {
    const header = fc.option(fc.string({ maxLength: 80 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(jsonish, header, header, header, async (body, id, timestamp, signature) => {
        const req = t.http.post("/v1/signals").set("content-type", "application/json");
        if (id !== undefined) req.set("webhook-id", id.replace(/[^\x20-\x7e]/g, ""));
        if (timestamp !== undefined) req.set("webhook-timestamp", timestamp.replace(/[^\x20-\x7e]/g, ""));
        if (signature !== undefined) req.set("webhook-signature", `v1,${signature.replace(/[^\x20-\x7e]/g, "")}`);
        const res = await req.send(body);
        expect(res.status, body).toBeLessThan(500);
        expect([401, 413]).toContain(res.status);
      }),
      { numRuns: 120 },
    );
  });
});
