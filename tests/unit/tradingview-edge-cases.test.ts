import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CanonicalSignalSchema } from "../../src/domain/signal.js";
import { parseTradingViewAlert, REFUSAL_CODES, REFUSAL_REASONS } from "../../src/ingest/tradingview/index.js";
import type { AlertParseResult } from "../../src/ingest/tradingview/index.js";

const parse = (body: string, contentType?: string) => parseTradingViewAlert({ body, ...(contentType ? { contentType } : {}) });

function refusal(result: AlertParseResult) {
  if (result.outcome.ok) throw new Error("expected a refusal");
  return result.outcome;
}

/** A small deterministic PRNG so fuzz failures reproduce. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every result, refused or not, must be well-formed: this is what the HTTP layer relies on. */
function expectWellFormed(result: AlertParseResult): void {
  expect(typeof result.sanitizedBody).toBe("string");
  expect(Array.isArray(result.credentials)).toBe(true);
  if (result.outcome.ok) {
    expect(result.outcome.signals.length).toBeGreaterThan(0);
    for (const signal of result.outcome.signals) expect(() => CanonicalSignalSchema.parse(signal)).not.toThrow();
  } else {
    expect(REFUSAL_REASONS).toContain(result.outcome.reason);
    expect(REFUSAL_CODES).toContain(result.outcome.code);
    expect(result.outcome.detail.length).toBeGreaterThan(0);
  }
}

describe("empty and non-object bodies", () => {
  it("refuses empty and whitespace-only bodies as malformed", () => {
    for (const body of ["", " ", "\n\t\r\n", "\uFEFF"]) {
      expect(refusal(parse(body))).toMatchObject({ code: "MALFORMED_SIGNAL", reason: "EMPTY_BODY" });
    }
  });

  it("refuses JSON that is not an object", () => {
    for (const body of ["null", "42", '"buy BTCUSDT"', "true", "[1]", "[[{\"ticker\":\"BTCUSDT\",\"action\":\"buy\"}]]", "[null]"]) {
      const r = refusal(parse(body, "application/json"));
      expect(r).toMatchObject({ code: "SIGNAL_REJECTED", reason: "JSON_NOT_OBJECT" });
    }
    expect(refusal(parse("[]"))).toMatchObject({ code: "SIGNAL_REJECTED", reason: "EMPTY_ARRAY" });
  });

  it("survives a missing or non-string body from an untyped caller", () => {
    for (const body of [undefined, null, 42, {}]) {
      const r = parseTradingViewAlert({ body } as unknown as { body: string });
      expect(refusal(r).reason).toBe("EMPTY_BODY");
    }
    expect(refusal(parseTradingViewAlert(undefined as unknown as { body: string })).reason).toBe("EMPTY_BODY");
  });

  it("accepts a byte-order mark before JSON", () => {
    expect(parse('\uFEFF{"ticker":"BTCUSDT","action":"buy"}').outcome.ok).toBe(true);
  });
});

describe("numbers", () => {
  const q = (quantity: unknown) => parse(JSON.stringify({ ticker: "BTCUSDT", action: "buy", quantity }));

  it("keeps huge quantities digit for digit and refuses absurd ones", () => {
    const big = "98765432109876543210.0123456789";
    const r = parse(`{"ticker":"BTCUSDT","action":"buy","quantity":${big}}`);
    expect(r.outcome.ok && r.outcome.signals[0]?.quantity?.value).toBe(big);
    expect(refusal(parse('{"ticker":"BTCUSDT","action":"buy","quantity":1e400}')).reason).toBe("QUANTITY_INVALID");
    expect(refusal(q("9".repeat(200))).reason).toBe("QUANTITY_INVALID");
    expect(refusal(parse(`{"ticker":"BTCUSDT","action":"buy","price":${"9".repeat(100)}}`)).reason).toBe("PRICE_INVALID");
  });

  it("refuses negative, zero and non-numeric quantities", () => {
    expect(refusal(q(-0.015))).toMatchObject({ code: "SIGNAL_REJECTED", reason: "QUANTITY_INVALID" });
    expect(refusal(q("abc"))).toMatchObject({ code: "SIGNAL_REJECTED", reason: "QUANTITY_INVALID" });
    expect(refusal(q(0))).toMatchObject({ reason: "QUANTITY_INVALID" });
    expect(refusal(q("0x10"))).toMatchObject({ reason: "QUANTITY_INVALID" });
  });
});

describe("batches", () => {
  const command = (ticker: string) => ({ ticker, action: "buy", qty: 1 });

  it("refuses the whole array when one element is bad, and says which", () => {
    const r = refusal(parse(JSON.stringify([command("BTCUSDT"), { ticker: "ETHUSDT", action: "buy", qty: "lots" }, command("SOLUSDT")])));
    expect(r.reason).toBe("QUANTITY_INVALID");
    expect(r.detail).toMatch(/^Command 2 of 3/);
    const nested = refusal(parse(JSON.stringify([command("BTCUSDT"), [command("ETHUSDT")]])));
    expect(nested).toMatchObject({ reason: "JSON_NOT_OBJECT" });
    expect(nested.detail).toContain("Command 2 of 2");
    expect(nested.detail).toContain("an array");
  });

  it("accepts up to 20 commands and refuses 21", () => {
    const twenty = parse(JSON.stringify(Array.from({ length: 20 }, () => command("BTCUSDT"))));
    expect(twenty.outcome.ok && twenty.outcome.signals).toHaveLength(20);
    expect(refusal(parse(JSON.stringify(Array.from({ length: 21 }, () => command("BTCUSDT")))))).toMatchObject({ code: "SIGNAL_REJECTED", reason: "TOO_MANY_COMMANDS" });
    const lines = Array.from({ length: 21 }, () => "ftx:long symbol=BTC-PERP size=10").join("\n");
    expect(refusal(parse(lines)).reason).toBe("TOO_MANY_COMMANDS");
  });

  it("gives no delivery-level alert id to a batch; each signal keeps its own", () => {
    const r = parse(JSON.stringify([{ ...command("BTCUSDT"), alert_id: "a" }, { ...command("ETHUSDT"), alert_id: "b" }]));
    expect(r.alertId).toBeUndefined();
    expect(r.outcome.ok && r.outcome.signals.map((s) => s.alertId)).toEqual(["a", "b"]);
  });
});

describe("hostile bodies", () => {
  it("refuses deep nesting without overflowing the stack", () => {
    const depth = 100_000;
    for (const body of ['{"a":'.repeat(depth) + "1" + "}".repeat(depth), "[".repeat(depth) + "]".repeat(depth), "{a:".repeat(depth)]) {
      expect(refusal(parse(body))).toMatchObject({ code: "MALFORMED_SIGNAL", reason: "NESTING_TOO_DEEP" });
    }
    const ok = '{"ticker":"BTCUSDT","action":"buy","x":' + '{"a":'.repeat(20) + "1" + "}".repeat(20) + "}";
    expect(parse(ok).outcome.ok).toBe(true);
  });

  it("handles 64 KiB of garbage quickly", () => {
    const rand = prng(64);
    const garbage = Array.from({ length: 64 * 1024 }, () => String.fromCharCode(Math.floor(rand() * 0x3000))).join("");
    const started = performance.now();
    const r = parse(garbage, "text/plain");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(refusal(r).code).toBe("MALFORMED_SIGNAL");
    const braces = "{".repeat(10) + "x".repeat(64 * 1024);
    expect(refusal(parse(braces)).code).toBe("MALFORMED_SIGNAL");
    const longLine = "buy " + "BTCUSDT ".repeat(8 * 1024);
    expectWellFormed(parse(longLine));
  });

  it("handles text that looks like broken UTF-8, control characters and lone surrogates", () => {
    for (const body of ["Ã©Ã¨\uFFFD\uFFFD", "\u0000\u0001\u0002", "\uD800buy", '{"ticker":"BTC\uD800USDT","action":"buy"}', '{"ticker":"BTCUSDT","action":"buy","comment":"\u0000"}']) {
      expectWellFormed(parse(body));
    }
  });

  it("does not let __proto__ or constructor keys pollute prototypes", () => {
    const r = parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted2": "yes"}}, "ticker": "BTCUSDT", "action": "buy"}');
    expect(r.outcome.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted2).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(r.outcome.ok && r.outcome.notes).toEqual(["ignored field __proto__.polluted", "ignored field constructor.prototype.polluted2"]);
    expectWellFormed(parse('{"__proto__": "buy", "ticker": "BTCUSDT"}'));
    expectWellFormed(parse("__proto__=1&action=buy&ticker=BTCUSDT"));
  });

  it("checks for placeholders before parsing", () => {
    expect(refusal(parse('{"ticker": {{ticker}}, "action": "buy"'))).toMatchObject({ code: "UNRENDERED_PLACEHOLDER", reason: "UNRENDERED_PLACEHOLDER" });
    expect(refusal(parse("{{strategy.order.action}} {{ticker}}")).detail).toContain("{{strategy.order.action}}");
    expect(refusal(parse('{"ticker":"BTCUSDT","action":"buy","sl":{{plot("Long SL")}}}')).reason).toBe("UNRENDERED_PLACEHOLDER");
  });

  it("reads comments that contain braces and quotes", () => {
    const r = parse('{"ticker":"BTCUSDT", /* {"action":"sell"} */ "action":"buy"} // }{ "\n');
    expect(r.format).toBe("near-json");
    expect(r.outcome.ok && r.outcome.signals[0]?.intent).toEqual({ action: "open", side: "long" });
    expect(refusal(parse('{"ticker":"BTCUSDT", /* never closed {"action":"buy"}')).reason).toBe("UNPARSEABLE_BODY");
  });
});

describe("fuzz", () => {
  const payloads: { rendered: string }[] = JSON.parse(readFileSync(new URL("../fixtures/tradingview-payloads.json", import.meta.url), "utf8"));
  const alphabet = ' {}[]":,=&;|/*\\\n\'0123456789.-+eExabuysellBTCUSDT%{{}}';

  it("never throws on random strings", () => {
    const rand = prng(1);
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(rand() * 80);
      const body = Array.from({ length }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
      expectWellFormed(parseTradingViewAlert({ body, contentType: rand() < 0.5 ? "text/plain" : "application/x-www-form-urlencoded" }));
    }
  });

  it("never throws on mutated real payloads, and never leaks a redacted credential", () => {
    const rand = prng(2);
    for (let i = 0; i < 3000; i++) {
      const source = payloads[Math.floor(rand() * payloads.length)]!.rendered;
      const chars = [...source];
      for (let m = 0; m < 1 + Math.floor(rand() * 4); m++) {
        const at = Math.floor(rand() * (chars.length + 1));
        if (rand() < 0.5) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)]!);
      }
      const result = parseTradingViewAlert({ body: chars.join("") });
      expectWellFormed(result);
      for (const secret of result.credentials) if (secret.length >= 4) expect(result.sanitizedBody).not.toContain(secret);
    }
  });
});
