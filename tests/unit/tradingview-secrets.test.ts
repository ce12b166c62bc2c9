import { describe, expect, it } from "vitest";
import { parseTradingViewAlert } from "../../src/ingest/tradingview/index.js";

const parse = (body: string, contentType?: string) => parseTradingViewAlert({ body, ...(contentType ? { contentType } : {}) });
const BASE = '"ticker":"BTCUSDT","action":"buy"';

describe("credentials in alert bodies", () => {
  it("finds them under every usual name, nested or not", () => {
    const names = ["passphrase", "secret", "key", "token", "api_key", "apiKey", "password", "pointer", "bot_uuid", "webhook_secret", "authToken", "license_id"];
    for (const name of names) {
      const r = parse(`{${BASE},"${name}":"s3cr3t-${name}"}`);
      expect(r.credentials).toEqual([`s3cr3t-${name}`]);
      expect(r.sanitizedBody).toBe(`{${BASE},"${name}":"[redacted]"}`);
      expect(r.outcome.ok && r.outcome.notes).toEqual([]);
    }
    const nested = parse(`{${BASE},"auth":{"token":"t0ken","user":"me"},"data":{"secret":"d4ta"}}`);
    expect(nested.credentials.sort()).toEqual(["d4ta", "me", "t0ken"]);
  });

  it("does not mistake ids for credentials", () => {
    const r = parse(`{${BASE},"uuid":"u-1","idempotency_key":"k-1"}`);
    expect(r.credentials).toEqual([]);
    expect(r.alertId).toBe("u-1");
  });

  it("keeps strict JSON valid when a numeric credential is redacted", () => {
    const r = parse(`{${BASE},"key":12345678}`);
    expect(r.credentials).toEqual(["12345678"]);
    expect(JSON.parse(r.sanitizedBody)).toEqual({ ticker: "BTCUSDT", action: "buy", key: "[redacted]" });
  });

  it("redacts bare near-JSON values and escaped strings", () => {
    const bare = parse(`{ticker: BTCUSDT, action: buy, passphrase: hunter22, // note\n}`);
    expect(bare.credentials).toEqual(["hunter22"]);
    expect(bare.sanitizedBody).toBe(`{ticker: BTCUSDT, action: buy, passphrase: [redacted], // note\n}`);
    const escaped = parse(`{${BASE},"secret":"a\\"b\\\\c"}`);
    expect(escaped.credentials).toEqual(['a"b\\c']);
    expect(JSON.parse(escaped.sanitizedBody).secret).toBe("[redacted]");
  });

  it("redacts a credential repeated elsewhere in the body", () => {
    const r = parse(`{${BASE},"passphrase":"hunter22","comment":"sent with hunter22"}`);
    expect(r.sanitizedBody).not.toContain("hunter22");
    expect(r.outcome.ok && r.outcome.signals[0]?.comment).toBe("sent with hunter22");
  });

  it("collects credentials from every element of a batch, even when it is refused", () => {
    const r = parse(`[{${BASE},"secret":"one1"},{"ticker":"ETHUSDT","action":"cancel","secret":"two2"}]`);
    expect(r.outcome.ok).toBe(false);
    expect(r.credentials).toEqual(["one1", "two2"]);
    expect(r.sanitizedBody).not.toMatch(/one1|two2/);
  });

  it("redacts in form, key-value and command text", () => {
    const form = parse("action=buy&ticker=BTCUSDT&passphrase=p%40ss", "application/x-www-form-urlencoded");
    expect(form.credentials).toEqual(["p@ss"]);
    expect(form.sanitizedBody).toBe("action=buy&ticker=BTCUSDT&passphrase=[redacted]");
    const kv = parse("SYMBOL=BTCUSDT\nSIGNAL=BUY\nTOKEN=\"abc def\"");
    expect(kv.credentials).toEqual(["abc def"]);
    expect(kv.sanitizedBody).toBe("SYMBOL=BTCUSDT\nSIGNAL=BUY\nTOKEN=\"[redacted]\"");
    const cmd = parse("ftx:long symbol=BTC-PERP size=10 secret=xyz9");
    expect(cmd.sanitizedBody).toBe("ftx:long symbol=BTC-PERP size=10 secret=[redacted]");
  });

  it("still finds credentials in bodies it cannot parse", () => {
    const r = parse('{"passphrase": "hunter22", "ticker": BTCUSDT "action": "buy"}');
    expect(r.outcome).toMatchObject({ ok: false, reason: "UNPARSEABLE_BODY" });
    expect(r.credentials).toEqual(["hunter22"]);
    expect(r.sanitizedBody).toBe('{"passphrase": "[redacted]", "ticker": BTCUSDT "action": "buy"}');
    const text = parse("passphrase=hunter22 and then some words");
    expect(text.credentials).toEqual(["hunter22"]);
    expect(text.sanitizedBody).not.toContain("hunter22");
  });

  it("never puts a credential in a refusal detail or a note", () => {
    const bodies = [
      `{"ticker":"BTCUSDT","passphrase":"hunter22"}`,
      `{"ticker":"???","action":"buy","secret":"hunter22"}`,
      `{"ticker":"BTCUSDT","action":"buy","token":"hunter22","extra":1}`,
    ];
    for (const body of bodies) {
      const r = parse(body);
      const text = r.outcome.ok ? r.outcome.notes.join(" ") : r.outcome.detail;
      expect(text).not.toContain("hunter22");
    }
  });

  it("ignores booleans and empty values under credential names", () => {
    const r = parse(`{${BASE},"auth":true,"secret":""}`);
    expect(r.credentials).toEqual([]);
    expect(r.sanitizedBody).toBe(`{${BASE},"auth":true,"secret":""}`);
  });
});
