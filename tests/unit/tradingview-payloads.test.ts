import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CanonicalSignal } from "../../src/domain/signal.js";
import { parseTradingViewAlert } from "../../src/ingest/tradingview/index.js";
import type { AlertFormat, RefusalCode, RefusalReason } from "../../src/ingest/tradingview/index.js";

/**
 * Every real payload in the fixture file, with its expected outcome written from reading the
 * payload (rendering scenario: BINANCE:BTCUSDT, 1h, close 114679.56, flat → long 0.015).
 */

type Payload = { id: string; template: string; rendered: string; content_type: string; placeholders: string[] };
const payloads: Payload[] = JSON.parse(readFileSync(new URL("../fixtures/tradingview-payloads.json", import.meta.url), "utf8"));

type Expected =
  | { format: AlertFormat; signals: CanonicalSignal[] }
  | { format: AlertFormat; refusal: { code: RefusalCode; reason: RefusalReason } };

const CLOSE = "114679.56";
const TIMENOW = "2025-09-15T15:00:01Z";

const EXPECTED: Record<string, Expected> = {
  // buy + sentiment long: a target, since {{strategy.order.action}} alone cannot tell entries from exits.
  tv01: {
    format: "json",
    signals: [
      {
        symbol: "BTC/USDT",
        intent: { action: "target", side: "long", orderSide: "buy" },
        quantity: { value: "0.015", unit: "base" },
        orderType: "market",
        referencePrice: CLOSE,
        sourceTime: TIMENOW,
        interval: "60",
      },
    ],
  },
  // sell + sentiment flat: exit the long without reversing.
  tv03: {
    format: "json",
    signals: [{ symbol: "BTC/USDT", intent: { action: "target", side: "flat", orderSide: "sell" }, orderType: "market", referencePrice: CLOSE }],
  },
  // Built in Pine, unquoted number price, trailing space.
  tv05: {
    format: "json",
    signals: [{ symbol: "BTC/USDT", intent: { action: "open", side: "long" }, orderType: "market", referencePrice: CLOSE }],
  },
  // market_position long with size 0.015, previously flat 0; bar.close is the reference price.
  tv06: {
    format: "json",
    signals: [
      {
        symbol: "BTC/USDT",
        exchange: "BINANCE",
        intent: { action: "target", side: "long", size: "0.015", orderSide: "buy" },
        quantity: { value: "0.015", unit: "base" },
        orderType: "market",
        referencePrice: CLOSE,
        sourceTime: TIMENOW,
        previousPosition: { side: "flat", size: "0" },
      },
    ],
  },
  // Comments in the body; buy + message entry = open long; the long SL/TP apply, the short ones do not.
  tv08: {
    format: "near-json",
    signals: [
      {
        symbol: "BTC/USDT",
        exchange: "BINANCE",
        intent: { action: "open", side: "long" },
        orderType: "market",
        referencePrice: CLOSE,
        stopLoss: { price: "113532.76" },
        takeProfit: { price: "116973.15" },
        sourceTime: TIMENOW,
      },
    ],
  },
  // Unquoted ticker/exchange; type limit takes its limit price from price.
  tv10: {
    format: "near-json",
    signals: [
      {
        symbol: "BTC/USDT",
        exchange: "BINANCE",
        intent: { action: "open", side: "long" },
        orderType: "limit",
        limitPrice: CLOSE,
        referencePrice: CLOSE,
        stopLoss: { price: "113532.76" },
        takeProfit: { price: "116973.15" },
      },
    ],
  },
  // Frostybot: $2000 limit sell at 7600 on FTX's USD-settled BTC perpetual.
  tv12: {
    format: "command-text",
    signals: [
      {
        symbol: "BTC/USD:USD",
        intent: { action: "open", side: "short" },
        quantity: { value: "2000", unit: "quote" },
        orderType: "limit",
        limitPrice: "7600",
      },
    ],
  },
  // tradingview-alerts-processor: size is USD.
  tv14: {
    format: "json",
    signals: [{ symbol: "ETH/USD:USD", intent: { action: "open", side: "long" }, quantity: { value: "50", unit: "quote" }, orderType: "market" }],
  },
  tv15: {
    format: "json-array",
    signals: [
      { symbol: "ETH/USD:USD", intent: { action: "open", side: "long" }, quantity: { value: "50", unit: "quote" }, orderType: "market" },
      { symbol: "BTC/USD:USD", intent: { action: "open", side: "long" }, quantity: { value: "50", unit: "quote" }, orderType: "market" },
    ],
  },
  // OctoBot KEY=VALUE lines.
  tv17: {
    format: "key-value",
    signals: [{ symbol: "BTC/USD", exchange: "BINANCE", intent: { action: "open", side: "long" }, orderType: "market" }],
  },
  // 3Commas: 150 in the quote currency, first TP step (1%) and a 1% stop.
  tv20: {
    format: "json",
    signals: [
      {
        symbol: "BTC/USDT",
        exchange: "BINANCE",
        intent: { action: "open", side: "long" },
        quantity: { value: "150", unit: "quote" },
        orderType: "market",
        stopLoss: { percent: "1" },
        takeProfit: { percent: "1" },
        sourceTime: TIMENOW,
      },
    ],
  },
  // 3Commas: exit 100% of the long.
  tv21: {
    format: "json",
    signals: [
      {
        symbol: "BTC/USDT",
        exchange: "BINANCE",
        intent: { action: "close", side: "long" },
        quantity: { value: "100", unit: "percent_position" },
        orderType: "market",
        sourceTime: TIMENOW,
      },
    ],
  },
  // Alertatron: the symbol lives in the Alertatron UI, so without a default symbol it is missing.
  tv26: { format: "json", refusal: { code: "SIGNAL_REJECTED", reason: "SYMBOL_MISSING" } },
  tv29: {
    format: "json",
    signals: [{ symbol: "BTC/USDT", intent: { action: "open", side: "long" }, orderType: "market" }],
  },
  // PineConnector: risk= is not a quantity (its unit depends on an EA setting).
  tv33: {
    format: "csv",
    signals: [{ symbol: "AUD/USD", intent: { action: "open", side: "long" }, orderType: "market" }],
  },
  // Tickerly: only the previous position, so the action decides.
  tv39: {
    format: "json",
    signals: [
      {
        symbol: "BTC/USDT",
        intent: { action: "open", side: "long" },
        quantity: { value: "0.015", unit: "base" },
        orderType: "market",
        previousPosition: { side: "flat" },
      },
    ],
  },
  // Side and size come from the Go bot's endpoint, not the body.
  tv41: { format: "json", refusal: { code: "SIGNAL_REJECTED", reason: "ACTION_MISSING" } },
  tv45: {
    format: "json",
    signals: [
      {
        symbol: "BTC/USDT",
        intent: { action: "open", side: "long" },
        orderType: "market",
        referencePrice: CLOSE,
        confidence: 0.7,
        comment: "TV alert 60 2025-09-15T14:00:00Z",
      },
    ],
  },
};

/** Secret values per payload; everything else in those bodies must survive redaction. */
const SECRETS: Record<string, string[]> = {
  tv06: ["abcdefgh"],
  tv08: ["abcdefg"],
  tv10: ["abcdefg"],
  tv20: ["YOUR-SECRET", "YOUR-UUID"],
  tv21: ["YOUR-SECRET", "YOUR-UUID"],
  tv29: ["YOUR-SECRET"],
  tv33: ["60123456789"],
  tv39: ["replace with pointer for your exchange here"],
  tv41: ["Your_PassPhrase_self_defined"],
  tv45: ["YOUR_SECRET"],
};

describe("TradingView fixture payloads", () => {
  it("has an expectation for every payload and no stale ones", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(payloads.map((p) => p.id).sort());
  });

  for (const payload of payloads) {
    it(`${payload.id}: rendered body`, () => {
      const expected = EXPECTED[payload.id]!;
      const result = parseTradingViewAlert({ body: payload.rendered, contentType: payload.content_type });
      expect(result.format).toBe(expected.format);
      if ("signals" in expected) {
        expect(result.outcome.ok ? result.outcome.signals : result.outcome).toEqual(expected.signals);
      } else {
        expect(result.outcome).toMatchObject({ ok: false, ...expected.refusal });
        if (!result.outcome.ok) expect(result.outcome.detail.length).toBeGreaterThan(20);
      }
    });

    if (payload.placeholders.length > 0) {
      it(`${payload.id}: the unrendered template is refused`, () => {
        const result = parseTradingViewAlert({ body: payload.template, contentType: "text/plain" });
        expect(result.outcome).toMatchObject({ ok: false, code: "UNRENDERED_PLACEHOLDER", reason: "UNRENDERED_PLACEHOLDER" });
      });
    }
  }

  it("tv26 maps once a default symbol is configured for the webhook", () => {
    const tv26 = payloads.find((p) => p.id === "tv26")!;
    const result = parseTradingViewAlert({ body: tv26.rendered, contentType: tv26.content_type, defaultSymbol: "BINANCE:BTCUSDT" });
    expect(result.outcome).toEqual({
      ok: true,
      signals: [{ symbol: "BTC/USDT", intent: { action: "open", side: "long" }, quantity: { value: "25", unit: "percent_equity" }, orderType: "market" }],
      notes: [],
    });
  });

  it("explains what was left out", () => {
    const notesOf = (id: string) => {
      const p = payloads.find((x) => x.id === id)!;
      const r = parseTradingViewAlert({ body: p.rendered, contentType: p.content_type });
      return r.outcome.ok ? r.outcome.notes : [];
    };
    expect(notesOf("tv08")).toEqual(expect.arrayContaining(["ignored field subaccount", "ignored field short SL", "ignored field short TP"]));
    expect(notesOf("tv06")).toEqual(expect.arrayContaining(["ignored field strategy.order_id", "ignored field bar.open"]));
    expect(notesOf("tv20").some((n) => n.includes("only the first"))).toBe(true);
    expect(notesOf("tv33").some((n) => n.startsWith("risk=0.1 not used as a quantity"))).toBe(true);
    expect(notesOf("tv45")).toContain("ignored field strategy");
  });

  it("takes no alert id from these payloads (strategy.order_id is the Pine order name)", () => {
    for (const p of payloads) expect(parseTradingViewAlert({ body: p.rendered, contentType: p.content_type }).alertId).toBeUndefined();
  });
});

describe("TradingView fixture secrets", () => {
  for (const payload of payloads) {
    const secrets = SECRETS[payload.id] ?? [];
    it(`${payload.id}: ${secrets.length > 0 ? "hands over and redacts its credentials" : "has no credentials and is stored as sent"}`, () => {
      const result = parseTradingViewAlert({ body: payload.rendered, contentType: payload.content_type });
      expect([...result.credentials].sort()).toEqual([...secrets].sort());
      if (secrets.length === 0) {
        expect(result.sanitizedBody).toBe(payload.rendered);
        return;
      }
      for (const secret of secrets) expect(result.sanitizedBody).not.toContain(secret);
      expect(result.sanitizedBody).toContain("[redacted]");
      expect(result.sanitizedBody).toContain(payload.id === "tv33" ? "AUDUSD" : "BTCUSDT");
      if (payload.content_type === "application/json") expect(() => JSON.parse(result.sanitizedBody)).not.toThrow();
    });
  }

  it("redacts credentials in templates that cannot be parsed (placeholders outside quotes)", () => {
    const tv06 = payloads.find((p) => p.id === "tv06")!;
    const result = parseTradingViewAlert({ body: tv06.template });
    expect(result.outcome).toMatchObject({ ok: false, reason: "UNRENDERED_PLACEHOLDER" });
    expect(result.credentials).toEqual(["abcdefgh"]);
    expect(result.sanitizedBody).not.toContain("abcdefgh");
    expect(result.sanitizedBody).toContain("{{strategy.order.action}}");
  });
});
