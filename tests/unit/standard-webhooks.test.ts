import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_TOLERANCE_SECONDS,
  MAX_ID_LENGTH,
  MAX_SIGNATURE_ENTRIES,
  MAX_SIGNATURE_HEADER_LENGTH,
  parseWebhookSecrets,
  signStandardWebhook,
  verifyStandardWebhook,
  type WebhookSecret,
} from "../../src/ingest/standard-webhooks.js";

// Fixed, made-up test keys (24 and 32 bytes); never used outside this file.
const KEY_A_B64 = Buffer.alloc(24, 7).toString("base64");
const KEY_B_B64 = Buffer.alloc(32, 42).toString("base64");
const SECRET_A = `whsec_${KEY_A_B64}`;
const SECRET_B = `whsec_${KEY_B_B64}`;

const ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const TS = 1_700_000_000;
const NOW = new Date(TS * 1000);
const BODY = '{"strategy":"stg_1","symbol":"BTC/USDT","action":"open","side":"long"}';

function secrets(raw: string): WebhookSecret[] {
  const parsed = parseWebhookSecrets(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.secrets;
}

/** The expected signature, computed independently of the module under test. */
function reference(keyB64: string, id: string, ts: number, body: string): string {
  const key = Buffer.from(keyB64, "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64")}`;
}

function verify(overrides: Partial<Parameters<typeof verifyStandardWebhook>[0]> = {}) {
  return verifyStandardWebhook({
    id: ID,
    timestamp: String(TS),
    signature: reference(KEY_A_B64, ID, TS, BODY),
    body: BODY,
    secrets: secrets(SECRET_A),
    now: NOW,
    ...overrides,
  });
}

describe("signStandardWebhook", () => {
  it("matches an HMAC-SHA256 computed independently with node:crypto", () => {
    const [secret] = secrets(SECRET_B);
    const signed = signStandardWebhook({ id: ID, timestamp: TS, body: BODY, secret: secret! });
    expect(signed).toBe(reference(KEY_B_B64, ID, TS, BODY));
  });

  it("matches a fixed known-answer vector", () => {
    // Key: 24 bytes of 0x07; content "msg_1.1700000000.hello"; digest computed once with
    // `openssl dgst -sha256 -mac HMAC -macopt hexkey:0707…07 -binary | base64` and pinned here.
    const expected = "q8DNvS/vt1lI3qXz1LILGW7n20zl0yjkoitAaMXTqEY=";
    const [secret] = secrets(SECRET_A);
    expect(signStandardWebhook({ id: "msg_1", timestamp: TS, body: "hello", secret: secret! })).toBe(
      `v1,${expected}`,
    );
    expect(verify({ id: "msg_1", body: "hello", signature: `v1,${expected}` })).toEqual({
      ok: true,
      id: "msg_1",
      timestamp: NOW,
    });
  });
});

describe("verifyStandardWebhook", () => {
  it("accepts a valid signature and returns the id and timestamp", () => {
    expect(verify()).toEqual({ ok: true, id: ID, timestamp: NOW });
  });

  it("refuses a tampered body, id or timestamp", () => {
    expect(verify({ body: `${BODY} ` })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });
    expect(verify({ id: `${ID}x` })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });
    expect(verify({ timestamp: String(TS + 1) })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });
  });

  it("refuses a signature made with another secret", () => {
    expect(verify({ signature: reference(KEY_B_B64, ID, TS, BODY) })).toEqual({
      ok: false,
      failure: "NO_MATCHING_SIGNATURE",
    });
  });

  it("accepts a signature by any configured secret (rotation)", () => {
    const both = secrets(`${SECRET_A}, ${SECRET_B}`);
    expect(verify({ secrets: both, signature: reference(KEY_B_B64, ID, TS, BODY) }).ok).toBe(true);
  });

  it("accepts a header whose second signature is the valid one", () => {
    const header = `${reference(KEY_B_B64, ID, TS, BODY)} ${reference(KEY_A_B64, ID, TS, BODY)}`;
    expect(verify({ signature: header }).ok).toBe(true);
  });

  it("reports missing or empty headers", () => {
    for (const key of ["id", "timestamp", "signature"] as const) {
      expect(verify({ [key]: undefined })).toEqual({ ok: false, failure: "MISSING_HEADERS" });
      expect(verify({ [key]: "" })).toEqual({ ok: false, failure: "MISSING_HEADERS" });
    }
  });

  it("refuses a timestamp that is not an integer number of seconds", () => {
    const malformed = ["1700000000.5", "abc", "-1700000000", "+1700000000", " 1700000000", "1e9", "17e8x"];
    for (const timestamp of malformed) {
      expect(verify({ timestamp })).toEqual({ ok: false, failure: "INVALID_TIMESTAMP" });
    }
    expect(verify({ timestamp: "9".repeat(13) })).toEqual({ ok: false, failure: "INVALID_TIMESTAMP" });
  });

  it("accepts timestamps exactly at the tolerance boundary, past and future", () => {
    for (const offset of [-DEFAULT_TOLERANCE_SECONDS, DEFAULT_TOLERANCE_SECONDS]) {
      const ts = TS + offset;
      const result = verify({ timestamp: String(ts), signature: reference(KEY_A_B64, ID, ts, BODY) });
      expect(result).toEqual({ ok: true, id: ID, timestamp: new Date(ts * 1000) });
    }
  });

  it("refuses timestamps just beyond the tolerance, past and future", () => {
    for (const offset of [-DEFAULT_TOLERANCE_SECONDS - 1, DEFAULT_TOLERANCE_SECONDS + 1]) {
      const ts = TS + offset;
      expect(verify({ timestamp: String(ts), signature: reference(KEY_A_B64, ID, ts, BODY) })).toEqual({
        ok: false,
        failure: "TIMESTAMP_OUT_OF_TOLERANCE",
      });
    }
    // One millisecond beyond also counts: the clock is not rounded to whole seconds.
    expect(verify({ now: new Date((TS + DEFAULT_TOLERANCE_SECONDS) * 1000 + 1) }).ok).toBe(false);
  });

  it("honours a configured tolerance", () => {
    const ts = TS - 30;
    const signature = reference(KEY_A_B64, ID, ts, BODY);
    expect(verify({ timestamp: String(ts), signature, toleranceSeconds: 30 }).ok).toBe(true);
    expect(verify({ timestamp: String(ts), signature, toleranceSeconds: 29 })).toEqual({
      ok: false,
      failure: "TIMESTAMP_OUT_OF_TOLERANCE",
    });
  });

  it("refuses when the injected clock is invalid", () => {
    expect(verify({ now: new Date(Number.NaN) })).toEqual({ ok: false, failure: "TIMESTAMP_OUT_OF_TOLERANCE" });
  });

  it("ignores v1a and unknown version entries", () => {
    const digest = reference(KEY_A_B64, ID, TS, BODY).slice(3);
    expect(verify({ signature: `v1a,${digest}` })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });
    expect(verify({ signature: `v2,${digest}` })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });
    expect(verify({ signature: `v1a,${digest} v1,${digest}` }).ok).toBe(true);
  });

  it("treats malformed base64 and wrong-length digests as non-matching without throwing", () => {
    const digest = reference(KEY_A_B64, ID, TS, BODY).slice(3);
    for (const signature of [
      "v1,!!!not-base64!!!",
      `v1,${digest.slice(0, -4)}`,
      `v1,${digest}AAAA`,
      `v1,${digest.replace(/=$/, "")}*`,
      "v1,",
      "v1",
      ",",
      "   ",
      `v1,${Buffer.alloc(32).toString("base64url")}_-`,
    ]) {
      expect(verify({ signature })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });
    }
  });

  it("tolerates extra spaces between entries", () => {
    expect(verify({ signature: `  v1a,xyz   ${reference(KEY_A_B64, ID, TS, BODY)}  ` }).ok).toBe(true);
  });

  it("refuses oversized headers before doing any work", () => {
    const valid = reference(KEY_A_B64, ID, TS, BODY);
    expect(verify({ id: "m".repeat(MAX_ID_LENGTH + 1) })).toEqual({ ok: false, failure: "MISSING_HEADERS" });
    const longId = "m".repeat(MAX_ID_LENGTH);
    expect(verify({ id: longId, signature: reference(KEY_A_B64, longId, TS, BODY) }).ok).toBe(true);

    const padded = `${valid}${" ".repeat(MAX_SIGNATURE_HEADER_LENGTH)}`;
    expect(verify({ signature: padded })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });

    const decoys = Array.from({ length: MAX_SIGNATURE_ENTRIES }, () => "v1a,x");
    expect(verify({ signature: [...decoys, valid].join(" ") })).toEqual({
      ok: false,
      failure: "NO_MATCHING_SIGNATURE",
    });
    expect(verify({ signature: [...decoys.slice(1), valid].join(" ") }).ok).toBe(true);
  });

  it("never throws on hostile input", () => {
    const hostile = [undefined, null, 42, {}, [], "\u0000", "é".repeat(5000)] as unknown[];
    for (const value of hostile) {
      for (const key of ["id", "timestamp", "signature", "body", "secrets", "now"]) {
        expect(() => verify({ [key]: value } as never)).not.toThrow();
        expect(verify({ [key]: value } as never).ok).toBe(false);
      }
      // A nonsensical tolerance falls back to the default rather than widening the window.
      expect(verify({ toleranceSeconds: value } as never).ok).toBe(true);
    }
  });

  it("refuses when no secrets are configured", () => {
    expect(verify({ secrets: [] })).toEqual({ ok: false, failure: "NO_MATCHING_SIGNATURE" });
  });
});

describe("parseWebhookSecrets", () => {
  it("accepts secrets with and without the whsec_ prefix", () => {
    const withPrefix = secrets(SECRET_A);
    const bare = secrets(KEY_A_B64);
    expect(withPrefix[0]!.key.equals(Buffer.alloc(24, 7))).toBe(true);
    expect(bare[0]!.key.equals(withPrefix[0]!.key)).toBe(true);
    expect(verify({ secrets: bare }).ok).toBe(true);
  });

  it("accepts unpadded and base64url secrets", () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => 250 - i));
    const [url] = secrets(`whsec_${key.toString("base64url")}`);
    const [padded] = secrets(key.toString("base64"));
    expect(url!.key.equals(key)).toBe(true);
    expect(padded!.key.equals(key)).toBe(true);
  });

  it("splits on commas and whitespace", () => {
    expect(secrets(`${SECRET_A},${SECRET_B}`)).toHaveLength(2);
    expect(secrets(` ${SECRET_A}\n\t${KEY_B_B64} ,, `)).toHaveLength(2);
  });

  it("explains errors without echoing the secret", () => {
    const cases = [
      { raw: "", error: /no webhook secrets/ },
      { raw: " , ", error: /no webhook secrets/ },
      { raw: `${SECRET_A},whsec_not*base64*at*all`, error: /#2 is not valid base64/ },
      { raw: "whsec_c2hvcnQtc2VjcmV0", error: /#1 decodes to 12 bytes/ },
      { raw: `whsec_${Buffer.alloc(65, 1).toString("base64")}`, error: /#1 decodes to 65 bytes/ },
      { raw: `whpk_${KEY_B_B64}`, error: /#1 has an unsupported prefix/ },
      { raw: `whsec_${KEY_A_B64}x`, error: /#1 is not valid base64/ },
    ];
    for (const { raw, error } of cases) {
      const result = parseWebhookSecrets(raw);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error).toMatch(error);
      for (const part of raw.split(/[\s,]+/).filter((p) => p.length > 4)) {
        expect(result.error).not.toContain(part);
        expect(result.error).not.toContain(part.replace(/^wh[a-z]*_/, ""));
      }
    }
  });
});
