import { describe, expect, it } from "vitest";
import { parseTradingViewAlert } from "../../src/ingest/tradingview/index.js";
import type { AlertParseResult } from "../../src/ingest/tradingview/index.js";

/** Builds a JSON body for BTCUSDT with the given extra fields. */
const alert = (fields: Record<string, unknown>) => parseTradingViewAlert({ body: JSON.stringify({ ticker: "BTCUSDT", ...fields }), contentType: "application/json" });

function signal(result: AlertParseResult) {
  if (!result.outcome.ok) throw new Error(`refused: ${result.outcome.reason}: ${result.outcome.detail}`);
  expect(result.outcome.signals).toHaveLength(1);
  return result.outcome.signals[0]!;
}

function reason(result: AlertParseResult): string {
  if (result.outcome.ok) throw new Error("expected a refusal");
  return result.outcome.reason;
}

function notes(result: AlertParseResult): string[] {
  return result.outcome.ok ? result.outcome.notes : [];
}

describe("action vocabulary", () => {
  const table: [Record<string, unknown>, unknown][] = [
    [{ action: "buy" }, { action: "open", side: "long" }],
    [{ action: "BUY" }, { action: "open", side: "long" }],
    [{ action: "long" }, { action: "open", side: "long" }],
    [{ action: "enter_long" }, { action: "open", side: "long" }],
    [{ action: "open-long" }, { action: "open", side: "long" }],
    [{ action: "entry long" }, { action: "open", side: "long" }],
    [{ action: "sell" }, { action: "open", side: "short" }],
    [{ action: "Short" }, { action: "open", side: "short" }],
    [{ action: "enter_short" }, { action: "open", side: "short" }],
    [{ action: "open_short" }, { action: "open", side: "short" }],
    [{ action: "exit_long" }, { action: "close", side: "long" }],
    [{ action: "close_long" }, { action: "close", side: "long" }],
    [{ action: "exit_short" }, { action: "close", side: "short" }],
    [{ action: "close_short" }, { action: "close", side: "short" }],
    [{ action: "close" }, { action: "close" }],
    [{ action: "exit" }, { action: "close" }],
    [{ action: "flat" }, { action: "close" }],
    [{ action: "close_all" }, { action: "close" }],
    [{ action: "flatten" }, { action: "close" }],
    [{ action: "reverse_long" }, { action: "reverse", side: "long" }],
    [{ action: "reverse_short" }, { action: "reverse", side: "short" }],
    [{ side: "buy" }, { action: "open", side: "long" }],
    [{ direction: "short" }, { action: "open", side: "short" }],
    [{ direction: "close" }, { action: "close" }],
    [{ signal: "SELL" }, { action: "open", side: "short" }],
    [{ command: "exit_short" }, { action: "close", side: "short" }],
    [{ order_action: "buy" }, { action: "open", side: "long" }],
    [{ strategy: { order_action: "sell" } }, { action: "open", side: "short" }],
    [{ "strategy.order.action": "buy" }, { action: "open", side: "long" }],
    [{ type: "buy" }, { action: "open", side: "long" }],
    // "entry"/"exit" in message refine a buy/sell: sell + exit leaves a long, buy + exit leaves a short.
    [{ action: "buy", message: "entry" }, { action: "open", side: "long" }],
    [{ action: "sell", message: "exit" }, { action: "close", side: "long" }],
    [{ action: "buy", comment: "Exit" }, { action: "close", side: "short" }],
    [{ action: "close", side: "long" }, { action: "close", side: "long" }],
    [{ action: "exit", side: "sell" }, { action: "close", side: "long" }],
    [{ action: "enter_long", side: "buy" }, { action: "open", side: "long" }],
    [{ action: "reverse", side: "short" }, { action: "reverse", side: "short" }],
  ];
  for (const [fields, intent] of table) {
    it(`${JSON.stringify(fields)} → ${JSON.stringify(intent)}`, () => expect(signal(alert(fields)).intent).toEqual(intent));
  }

  it("uses an entry/exit message as the action word, not as the comment", () => {
    expect(signal(alert({ action: "buy", message: "entry" })).comment).toBeUndefined();
    expect(signal(alert({ action: "buy", message: "breakeven" }))).toMatchObject({ intent: { action: "open", side: "long" }, comment: "breakeven" });
  });

  it("refuses cancel, unknown words, and missing or contradictory actions", () => {
    expect(reason(alert({ action: "cancel" }))).toBe("ACTION_UNSUPPORTED");
    expect(reason(alert({ signal: "CANCEL" }))).toBe("ACTION_UNSUPPORTED");
    expect(reason(alert({ action: "breakeven" }))).toBe("ACTION_UNSUPPORTED");
    expect(reason(alert({ action: 1 }))).toBe("ACTION_UNSUPPORTED");
    expect(reason(alert({}))).toBe("ACTION_MISSING");
    expect(reason(alert({ type: "limit", price: 1 }))).toBe("ACTION_MISSING");
    expect(reason(alert({ action: "entry" }))).toBe("ACTION_MISSING");
    expect(reason(alert({ action: "buy", side: "short" }))).toBe("ACTION_CONFLICT");
    expect(reason(alert({ action: "enter_long", side: "sell" }))).toBe("ACTION_CONFLICT");
    expect(reason(alert({ action: "enter_long", command: "exit_long" }))).toBe("ACTION_CONFLICT");
  });

  it("reports an unknown word in a lower-priority action field as ignored", () => {
    const r = alert({ action: "buy", signal: "RSI crossover" });
    expect(signal(r).intent).toEqual({ action: "open", side: "long" });
    expect(notes(r)).toContain("ignored field signal");
    const named = alert({ signal: "Infinity Algo", side: "buy" });
    expect(signal(named).intent).toEqual({ action: "open", side: "long" });
    expect(notes(named)).toContain("ignored field signal");
  });
});

describe("position fields", () => {
  it("turn an action into a target", () => {
    expect(signal(alert({ action: "buy", sentiment: "long" })).intent).toEqual({ action: "target", side: "long", orderSide: "buy" });
    expect(signal(alert({ action: "sell", market_position: "FLAT" })).intent).toEqual({ action: "target", side: "flat", orderSide: "sell" });
    expect(signal(alert({ action: "sell", strategy: { market_position: "short", market_position_size: 2 } })).intent).toEqual({ action: "target", side: "short", size: "2", orderSide: "sell" });
  });

  it("read a negative position_size as a short of that size", () => {
    expect(signal(alert({ action: "sell", position_size: "-0.5" })).intent).toEqual({ action: "target", side: "short", size: "0.5", orderSide: "sell" });
    expect(signal(alert({ action: "sell", strategy: { position_size: 0 } })).intent).toEqual({ action: "target", side: "flat", size: "0", orderSide: "sell" });
    expect(signal(alert({ action: "sell", market_position: "short", position_size: -1.25 })).intent).toEqual({ action: "target", side: "short", size: "1.25", orderSide: "sell" });
  });

  it("record the previous position", () => {
    expect(signal(alert({ action: "buy", prev_market_position: "short", prev_market_position_size: 3 })).previousPosition).toEqual({ side: "short", size: "3" });
    expect(signal(alert({ action: "buy", prev_position: "flat" })).previousPosition).toEqual({ side: "flat" });
  });

  it("keep the order side on a target, so a partial exit is not read as an add", () => {
    expect(signal(alert({ action: "sell", sentiment: "long", quantity: "0.5" })).intent).toEqual({ action: "target", side: "long", orderSide: "sell" });
    expect(signal(alert({ action: "exit_short", sentiment: "short" })).intent).toEqual({ action: "target", side: "short", orderSide: "buy" });
  });

  it("set a target even without an action, and say so", () => {
    const r = alert({ sentiment: "flat" });
    expect(signal(r).intent).toEqual({ action: "target", side: "flat" });
    expect(notes(r)).toContain("no action field: the market position alone sets the target");
  });

  it("flag a sell that leaves the position long (partial exit) without a size", () => {
    expect(notes(alert({ action: "sell", sentiment: "long", quantity: 1 })).some((n) => n.includes("partial exit"))).toBe(true);
  });

  it("refuse inconsistent position fields", () => {
    expect(reason(alert({ action: "buy", market_position: "sideways" }))).toBe("POSITION_INVALID");
    expect(reason(alert({ action: "buy", market_position: "long", position_size: -1 }))).toBe("POSITION_INVALID");
    expect(reason(alert({ action: "buy", market_position: "flat", market_position_size: 1 }))).toBe("POSITION_INVALID");
    expect(reason(alert({ action: "buy", market_position: "long", market_position_size: 1, position_size: 2 }))).toBe("POSITION_INVALID");
    expect(reason(alert({ action: "buy", market_position_size: 1 }))).toBe("POSITION_INVALID");
    expect(reason(alert({ action: "buy", position_size: "lots" }))).toBe("POSITION_INVALID");
  });

  it("still refuse cancel when a position is given", () => {
    expect(reason(alert({ action: "cancel", sentiment: "flat" }))).toBe("ACTION_UNSUPPORTED");
  });
});

describe("quantity", () => {
  const q = (fields: Record<string, unknown>) => signal(alert({ action: "buy", ...fields })).quantity;

  it("reads every spelling, in base units by default", () => {
    for (const key of ["contracts", "quantity", "qty", "size", "amount", "volume", "order_contracts"]) expect(q({ [key]: "0.015" })).toEqual({ value: "0.015", unit: "base" });
    expect(q({ strategy: { order: { contracts: 2 } } })).toEqual({ value: "2", unit: "base" });
    expect(q({ order: { amount: 3 } })).toEqual({ value: "3", unit: "base" });
  });

  it("reads units from % strings, 3Commas currency_type and TradersPost quantityType", () => {
    expect(q({ amount: "25%" })).toEqual({ value: "25", unit: "percent_equity" });
    expect(signal(alert({ action: "exit_long", amount: "50%" })).quantity).toEqual({ value: "50", unit: "percent_position" });
    expect(q({ order: { amount: 10, currency_type: "quote" } })).toEqual({ value: "10", unit: "quote" });
    expect(q({ order: { amount: 10, currency_type: "base" } })).toEqual({ value: "10", unit: "base" });
    expect(q({ order: { amount: 10, currency_type: "position_percent" } })).toEqual({ value: "10", unit: "percent_position" });
    expect(q({ order: { amount: 10, currency_type: "margin_percent" } })).toEqual({ value: "10", unit: "percent_equity" });
    expect(q({ quantity: 500, quantityType: "dollar_amount" })).toEqual({ value: "500", unit: "quote" });
    expect(q({ quantity: 5, quantityType: "percent_of_equity" })).toEqual({ value: "5", unit: "percent_equity" });
  });

  it("treats size as USD for tradingview-alerts-processor (stub) bodies only", () => {
    expect(q({ stub: "main", size: "100" })).toEqual({ value: "100", unit: "quote" });
    expect(q({ size: "100" })).toEqual({ value: "100", unit: "base" });
  });

  it("accepts agreeing duplicates and refuses disagreeing ones", () => {
    expect(q({ quantity: "1.0", contracts: 1 })).toEqual({ value: "1.0", unit: "base" });
    expect(reason(alert({ action: "buy", quantity: 1, contracts: 2 }))).toBe("AMBIGUOUS_QUANTITY");
  });

  it("refuses zero, negative, non-numeric, over-100% and unknown units", () => {
    for (const bad of [0, "0", -1, "-0.5", "abc", "", "1,000", true, null, "150%", "12 * 2"]) {
      expect(reason(alert({ action: "buy", quantity: bad }))).toBe("QUANTITY_INVALID");
    }
    expect(reason(alert({ action: "buy", order: { amount: 1, currency_type: "lots" } }))).toBe("QUANTITY_INVALID");
    expect(reason(alert({ action: "buy", quantity: 1, quantityType: "risk_dollar_amount" }))).toBe("AMBIGUOUS_QUANTITY");
    expect(reason(alert({ action: "buy", size: "2x" }))).toBe("AMBIGUOUS_QUANTITY");
  });
});

describe("order type and prices", () => {
  const s = (fields: Record<string, unknown>) => signal(alert({ action: "buy", ...fields }));

  it("takes the reference price from price, close, bar.close or order_price", () => {
    expect(s({ price: "100.50" }).referencePrice).toBe("100.50");
    expect(s({ close: 101 }).referencePrice).toBe("101");
    expect(s({ bar: { close: 102 } }).referencePrice).toBe("102");
    expect(s({ strategy: { order_price: 103 } }).referencePrice).toBe("103");
  });

  it("makes limit and stop orders with their prices", () => {
    expect(s({ type: "limit", price: 100 })).toMatchObject({ orderType: "limit", limitPrice: "100", referencePrice: "100" });
    expect(s({ order_type: "LIMIT", limit_price: 99, price: 100 })).toMatchObject({ orderType: "limit", limitPrice: "99", referencePrice: "100" });
    expect(s({ limit_price: 99 })).toMatchObject({ orderType: "limit", limitPrice: "99" });
    expect(s({ type: "stop", stop_price: 105 })).toMatchObject({ orderType: "stop", stopPrice: "105" });
    expect(s({ type: "market", price: 100 })).toMatchObject({ orderType: "market", referencePrice: "100" });
    expect(s({ order: { order_type: "market" } }).orderType).toBe("market");
  });

  it("refuses a limit order without a limit price, and unknown order types", () => {
    expect(reason(alert({ action: "buy", type: "limit" }))).toBe("PRICE_INVALID");
    expect(reason(alert({ action: "buy", type: "limit", close: 100 }))).toBe("PRICE_INVALID");
    expect(reason(alert({ action: "buy", type: "stop" }))).toBe("PRICE_INVALID");
    expect(reason(alert({ action: "buy", order_type: "stop_limit", price: 1 }))).toBe("ORDER_TYPE_UNSUPPORTED");
    expect(reason(alert({ action: "buy", order_type: "fok" }))).toBe("ORDER_TYPE_UNSUPPORTED");
  });

  it("refuses non-positive and non-numeric prices", () => {
    for (const bad of [0, -5, "abc", "NaN", "1.2.3", "Infinity"]) expect(reason(alert({ action: "buy", price: bad }))).toBe("PRICE_INVALID");
  });
});

describe("stop-loss and take-profit", () => {
  const s = (fields: Record<string, unknown>) => signal(alert(fields));

  it("reads prices under every spelling and percents", () => {
    for (const key of ["sl", "stop_loss", "stopLoss", "stoploss", "Stop Loss", "sl_price"]) expect(s({ action: "buy", [key]: 90 }).stopLoss).toEqual({ price: "90" });
    for (const key of ["tp", "take_profit", "takeProfit", "tp_price"]) expect(s({ action: "buy", [key]: 110 }).takeProfit).toEqual({ price: "110" });
    expect(s({ action: "buy", sl_pct: 1.5, tp_pct: "3" })).toMatchObject({ stopLoss: { percent: "1.5" }, takeProfit: { percent: "3" } });
    expect(s({ action: "buy", sl: "2%" }).stopLoss).toEqual({ percent: "2" });
    expect(s({ action: "buy", tp: { price: 110 }, sl: { percent: 1 } })).toMatchObject({ takeProfit: { price: "110" }, stopLoss: { percent: "1" } });
  });

  it("picks the side-specific levels that match the intent", () => {
    const levels = { "long SL": 90, "long TP": 110, "short SL": 111, "short TP": 89 };
    expect(s({ action: "buy", ...levels })).toMatchObject({ stopLoss: { price: "90" }, takeProfit: { price: "110" } });
    expect(s({ action: "sell", ...levels })).toMatchObject({ stopLoss: { price: "111" }, takeProfit: { price: "89" } });
  });

  it("attaches nothing to a close and reports the fields", () => {
    const r = alert({ action: "exit_long", sl: 90, tp: 110 });
    expect(signal(r)).not.toHaveProperty("stopLoss");
    expect(notes(r)).toEqual(expect.arrayContaining(["ignored field sl", "ignored field tp"]));
  });

  it("honours 3Commas enabled: false", () => {
    const r = alert({ action: "buy", stop_loss: { enabled: false, trigger_price_percent: 1 } });
    expect(signal(r)).not.toHaveProperty("stopLoss");
    expect(notes(r).some((n) => n.includes("stop_loss.enabled is false"))).toBe(true);
  });

  it("refuses non-positive levels", () => {
    expect(reason(alert({ action: "buy", sl: 0 }))).toBe("PRICE_INVALID");
    expect(reason(alert({ action: "buy", tp_pct: -1 }))).toBe("PRICE_INVALID");
  });
});

describe("symbol, ids and descriptive fields", () => {
  const s = (fields: Record<string, unknown>) =>
    signal(parseTradingViewAlert({ body: JSON.stringify({ action: "buy", ...fields }), contentType: "application/json" }));

  it("reads the symbol from its many names and the exchange from a prefix", () => {
    for (const key of ["ticker", "symbol", "tv_instrument", "instrument", "pair", "market"]) expect(s({ [key]: "ETHUSDT" }).symbol).toBe("ETH/USDT");
    expect(s({ ticker: "BYBIT:BTCUSDT.P" })).toMatchObject({ symbol: "BTC/USDT:USDT", exchange: "BYBIT" });
    expect(s({ ticker: "BTCUSDT", tv_exchange: "BINANCE" }).exchange).toBe("BINANCE");
  });

  it("uses the default symbol only when the alert has none", () => {
    const p = (body: string) => parseTradingViewAlert({ body, defaultSymbol: "ETH/USDT" });
    expect(signal(p('{"action":"buy"}')).symbol).toBe("ETH/USDT");
    expect(signal(p('{"action":"buy","ticker":"BTCUSDT"}')).symbol).toBe("BTC/USDT");
    expect(reason(parseTradingViewAlert({ body: '{"action":"buy"}', defaultSymbol: "nonsense" }))).toBe("SYMBOL_UNRECOGNIZED");
    expect(reason(parseTradingViewAlert({ body: '{"action":"buy","ticker":""}' }))).toBe("SYMBOL_MISSING");
    expect(reason(parseTradingViewAlert({ body: '{"action":"buy","ticker":"NOT A TICKER"}' }))).toBe("SYMBOL_UNRECOGNIZED");
  });

  it("takes an explicit alert id, never the Pine order id", () => {
    for (const key of ["alert_id", "signal_id", "id", "uuid", "idempotency_key", "alertId"]) {
      const r = parseTradingViewAlert({ body: JSON.stringify({ ticker: "BTCUSDT", action: "buy", [key]: "a-1" }) });
      expect(r.alertId).toBe("a-1");
      expect(signal(r).alertId).toBe("a-1");
    }
    const pine = parseTradingViewAlert({ body: '{"ticker":"BTCUSDT","action":"buy","strategy":{"order_id":"Long"},"order":{"id":"x"}}' });
    expect(pine.alertId).toBeUndefined();
    expect(parseTradingViewAlert({ body: JSON.stringify({ ticker: "BTCUSDT", action: "buy", id: "x".repeat(201) }) }).alertId).toBeUndefined();
    expect(parseTradingViewAlert({ body: '{"ticker":"BTCUSDT","action":"cancel","alert_id":"r-9"}' }).alertId).toBe("r-9");
  });

  it("converts epoch times and keeps ISO times as sent", () => {
    expect(s({ ticker: "BTCUSDT", time: "2025-09-15T14:00:00Z" }).sourceTime).toBe("2025-09-15T14:00:00Z");
    expect(s({ ticker: "BTCUSDT", time: "2025-09-15T16:00:00+02:00" }).sourceTime).toBe("2025-09-15T16:00:00+02:00");
    expect(s({ ticker: "BTCUSDT", timestamp: 1757944800 }).sourceTime).toBe("2025-09-15T14:00:00.000Z");
    expect(s({ ticker: "BTCUSDT", timenow: "1757944800123" }).sourceTime).toBe("2025-09-15T14:00:00.123Z");
  });

  it("drops malformed descriptive fields with a note instead of refusing", () => {
    const r = parseTradingViewAlert({ body: JSON.stringify({ ticker: "BTCUSDT", action: "buy", time: "yesterday", confidence: 70, interval: "x".repeat(30) }) });
    const sig = signal(r);
    expect(sig).not.toHaveProperty("sourceTime");
    expect(sig).not.toHaveProperty("confidence");
    expect(sig).not.toHaveProperty("interval");
    expect(notes(r)).toHaveLength(3);
  });

  it("keeps confidence, comment and interval", () => {
    expect(s({ ticker: "BTCUSDT", confidence: "0.25", comment: " RSI < 30 ", interval: "1D" })).toMatchObject({ confidence: 0.25, comment: "RSI < 30", interval: "1D" });
    expect(s({ ticker: "BTCUSDT", reason: "x".repeat(600) }).comment).toHaveLength(500);
  });

  it("refuses the same field twice with different values", () => {
    expect(reason(parseTradingViewAlert({ body: '{"ticker":"BTCUSDT","action":"buy","action":"sell"}' }))).toBe("DUPLICATE_FIELD");
    expect(reason(parseTradingViewAlert({ body: '{"ticker":"BTCUSDT","stop_loss":1,"stopLoss":2,"action":"buy"}' }))).toBe("DUPLICATE_FIELD");
    expect(signal(parseTradingViewAlert({ body: '{"ticker":"BTCUSDT","action":"buy","action":"buy"}' })).intent).toEqual({ action: "open", side: "long" });
  });
});
