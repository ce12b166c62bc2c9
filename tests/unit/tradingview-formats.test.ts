import { describe, expect, it } from "vitest";
import { parseTradingViewAlert } from "../../src/ingest/tradingview/index.js";
import type { AlertParseResult } from "../../src/ingest/tradingview/index.js";

const parse = (body: string, contentType?: string) => parseTradingViewAlert({ body, ...(contentType ? { contentType } : {}) });

function signals(result: AlertParseResult) {
  if (!result.outcome.ok) throw new Error(`refused: ${result.outcome.reason}: ${result.outcome.detail}`);
  return result.outcome.signals;
}

function refusal(result: AlertParseResult) {
  if (result.outcome.ok) throw new Error("expected a refusal");
  return { code: result.outcome.code, reason: result.outcome.reason };
}

const OPEN_LONG_BTC = { symbol: "BTC/USDT", intent: { action: "open", side: "long" }, orderType: "market" };

describe("JSON", () => {
  it("reads a JSON object whatever the content type says", () => {
    const body = '{"ticker":"BTCUSDT","action":"buy"}';
    for (const ct of ["application/json", "application/json; charset=utf-8", "text/plain;charset=UTF-8", undefined]) {
      const r = parse(body, ct);
      expect(r.format).toBe("json");
      expect(signals(r)).toEqual([OPEN_LONG_BTC]);
    }
  });

  it("keeps number text exactly, never through a float", () => {
    const r = parse('{"ticker":"BTCUSDT","action":"buy","qty":123456789012345678901234567890.123456789,"price":0.10}');
    expect(signals(r)[0]).toMatchObject({ quantity: { value: "123456789012345678901234567890.123456789", unit: "base" }, referencePrice: "0.10" });
  });

  it("writes exponent numbers out exactly", () => {
    expect(signals(parse('{"ticker":"BTCUSDT","action":"buy","qty":1.5e-7}'))[0]?.quantity).toEqual({ value: "0.00000015", unit: "base" });
    expect(signals(parse('{"ticker":"BTCUSDT","action":"buy","qty":"2E3"}'))[0]?.quantity).toEqual({ value: "2000", unit: "base" });
  });

  it("reads a JSON array as several commands", () => {
    const r = parse('[{"ticker":"BTCUSDT","action":"buy"},{"ticker":"ETHUSDT","action":"sell"}]');
    expect(r.format).toBe("json-array");
    expect(signals(r)).toEqual([OPEN_LONG_BTC, { symbol: "ETH/USDT", intent: { action: "open", side: "short" }, orderType: "market" }]);
  });

  it("reads fields inside data/payload wrappers", () => {
    expect(signals(parse('{"data":{"ticker":"BTCUSDT","action":"buy"}}'))).toEqual([OPEN_LONG_BTC]);
  });
});

describe("near-JSON", () => {
  it("repairs comments, unquoted keys and values, single quotes and trailing commas", () => {
    const body = `{
      // copied from the docs { "action": "sell" }
      ticker: BTCUSDT, /* the chart's ticker, {braces} too */
      'action': 'buy',
      "chart": "https://www.tradingview.com/chart/x", // a URL keeps its //
      "qty": 0.5,
    }`;
    const r = parse(body, "text/plain");
    expect(r.format).toBe("near-json");
    expect(signals(r)).toEqual([{ ...OPEN_LONG_BTC, quantity: { value: "0.5", unit: "base" } }]);
    expect(r.outcome.ok && r.outcome.notes).toEqual(["ignored field chart"]);
  });

  it("reads a near-JSON array", () => {
    const r = parse("[{ticker: BTCUSDT, action: buy,}, {ticker: ETHUSDT, action: sell},]");
    expect(r.format).toBe("near-json");
    expect(signals(r)).toHaveLength(2);
  });

  it("does not evaluate arithmetic: the price field that holds it is refused", () => {
    const r = parse('{"ticker": "BTCUSDT", "action": "buy", "type": "limit", "price": 114679.56 * 0.99}', "text/plain");
    expect(refusal(r)).toEqual({ code: "SIGNAL_REJECTED", reason: "PRICE_INVALID" });
    expect(!r.outcome.ok && r.outcome.detail).toContain("does not evaluate arithmetic");
  });

  it("refuses arithmetic in a stop-loss too", () => {
    expect(refusal(parse('{"ticker":"BTCUSDT","action":"buy","sl": 114679.56 * 0.98}'))).toMatchObject({ reason: "PRICE_INVALID" });
  });

  it("ignores arithmetic in a field it does not use", () => {
    const r = parse('{"ticker":"BTCUSDT","action":"buy","note": 1 + 2}');
    expect(signals(r)).toEqual([OPEN_LONG_BTC]);
  });

  it("says where JSON-looking bodies break", () => {
    const r = parse('{"ticker": "BTCUSDT",\n "action": "buy" "qty": 1}');
    expect(refusal(r)).toEqual({ code: "MALFORMED_SIGNAL", reason: "UNPARSEABLE_BODY" });
    expect(!r.outcome.ok && r.outcome.detail).toContain("line 2");
  });
});

describe("form-encoded bodies", () => {
  it("reads them by content type", () => {
    const r = parse("action=buy&ticker=BINANCE%3ABTCUSDT&qty=0.5", "application/x-www-form-urlencoded; charset=utf-8");
    expect(r.format).toBe("form");
    expect(signals(r)).toEqual([{ ...OPEN_LONG_BTC, exchange: "BINANCE", quantity: { value: "0.5", unit: "base" } }]);
  });

  it("recognises an unlabelled form and decodes + as space", () => {
    const r = parse("ticker=BTCUSDT&action=buy&comment=hello+world", "text/plain");
    expect(r.format).toBe("form");
    expect(signals(r)[0]?.comment).toBe("hello world");
  });

  it("keeps a malformed percent escape as written", () => {
    expect(signals(parse("ticker=BTCUSDT&action=buy&comment=100%", "application/x-www-form-urlencoded"))[0]?.comment).toBe("100%");
  });
});

describe("KEY=VALUE text", () => {
  it("reads lines, ; pairs and , pairs", () => {
    for (const body of ["SYMBOL=BTCUSDT\nSIGNAL=BUY", "SYMBOL=BTCUSDT;SIGNAL=BUY", "symbol=BTCUSDT, signal=buy", "EXCHANGE=binance;\r\nSYMBOL=BTCUSDT;\r\nSIGNAL=BUY;"]) {
      const r = parse(body, "text/plain");
      expect(r.format).toBe("key-value");
      expect(signals(r)[0]).toMatchObject(OPEN_LONG_BTC);
    }
  });

  it("maps OctoBot's optional fields", () => {
    const r = parse("EXCHANGE=BINANCE\nSYMBOL=BTCUSDT\nSIGNAL=SELL\nORDER_TYPE=LIMIT\nPRICE=115000\nVOLUME=0.01\nSTOP_PRICE=116000\nTAKE_PROFIT_PRICE=110000\nTAG=swing");
    expect(signals(r)).toEqual([
      {
        symbol: "BTC/USDT",
        exchange: "BINANCE",
        intent: { action: "open", side: "short" },
        quantity: { value: "0.01", unit: "base" },
        orderType: "limit",
        limitPrice: "115000",
        referencePrice: "115000",
        stopLoss: { price: "116000" },
        takeProfit: { price: "110000" },
      },
    ]);
    expect(r.outcome.ok && r.outcome.notes).toEqual(["ignored field TAG"]);
  });

  it("strips quotes around values", () => {
    expect(signals(parse('symbol="BTCUSDT"\naction=\'buy\'\ncomment="two words"'))[0]).toMatchObject({ symbol: "BTC/USDT", comment: "two words" });
  });
});

describe("command text", () => {
  it("reads a Frostybot command with an account stub", () => {
    const r = parse("deribit:long symbol=BTC-PERPETUAL size=1000");
    expect(r.format).toBe("command-text");
    expect(signals(r)).toEqual([{ symbol: "BTC/USD:BTC", intent: { action: "open", side: "long" }, quantity: { value: "1000", unit: "quote" }, orderType: "market" }]);
  });

  it("reads several commands, one per line", () => {
    const r = parse("ftx:close symbol=ETH-PERP size=50%\nftx:short symbol=BTC-PERP size=2000");
    expect(signals(r)).toEqual([
      { symbol: "ETH/USD:USD", intent: { action: "close" }, quantity: { value: "50", unit: "percent_position" }, orderType: "market" },
      { symbol: "BTC/USD:USD", intent: { action: "open", side: "short" }, quantity: { value: "2000", unit: "quote" }, orderType: "market" },
    ]);
  });

  it("refuses Frostybot's balance multiples rather than guessing leverage", () => {
    expect(refusal(parse("bitmex:long symbol=BTC/USD size=3x"))).toMatchObject({ reason: "AMBIGUOUS_QUANTITY" });
  });

  it("reads simple text commands", () => {
    expect(signals(parse("buy BTCUSDT 0.015"))).toEqual([{ ...OPEN_LONG_BTC, quantity: { value: "0.015", unit: "base" } }]);
    expect(signals(parseTradingViewAlert({ body: "BUY", defaultSymbol: "BTCUSDT" }))).toEqual([OPEN_LONG_BTC]);
    expect(signals(parse("close long BINANCE:BTCUSDT"))).toEqual([{ symbol: "BTC/USDT", exchange: "BINANCE", intent: { action: "close", side: "long" }, orderType: "market" }]);
    expect(signals(parse("sell ETHUSDT qty=2 sl=4000 tp=3000"))[0]).toMatchObject({ intent: { action: "open", side: "short" }, quantity: { value: "2", unit: "base" }, stopLoss: { price: "4000" }, takeProfit: { price: "3000" } });
  });

  it("refuses a lone BUY without a symbol, and two bare numbers", () => {
    expect(refusal(parse("BUY"))).toEqual({ code: "SIGNAL_REJECTED", reason: "SYMBOL_MISSING" });
    expect(refusal(parse("buy BTCUSDT 0.015 114679.56"))).toMatchObject({ reason: "AMBIGUOUS_QUANTITY" });
  });

  it("refuses free text", () => {
    const r = parse("Price crossed above the upper band");
    expect(refusal(r)).toEqual({ code: "MALFORMED_SIGNAL", reason: "UNPARSEABLE_BODY" });
    expect(r.format).toBe("unknown");
  });

  it("says which line of a multi-line body it could not read", () => {
    const r = parse("ftx:long symbol=BTC-PERP size=10\nplease also buy some ETH");
    expect(refusal(r)).toMatchObject({ reason: "UNPARSEABLE_BODY" });
    expect(!r.outcome.ok && r.outcome.detail).toContain("line 2");
  });
});

describe("PineConnector CSV", () => {
  it("reads LicenseID,command,symbol,params and keeps risk= out of the quantity", () => {
    const r = parse("60123456789,sell,GBPJPY,sl=50,risk=1,comment=\"strategy 1\"");
    expect(r.format).toBe("csv");
    expect(signals(r)).toEqual([{ symbol: "GBP/JPY", intent: { action: "open", side: "short" }, orderType: "market", comment: "strategy 1" }]);
    const notes = r.outcome.ok ? r.outcome.notes : [];
    expect(notes.some((n) => n.startsWith("risk=1 not used"))).toBe(true);
    expect(notes.some((n) => n.startsWith("sl=50 not used"))).toBe(true);
  });

  it("maps its close commands, spaces around commas, and explicit percent targets", () => {
    expect(signals(parse("60123456789 , closelong , GBPUSD"))).toEqual([{ symbol: "GBP/USD", intent: { action: "close", side: "long" }, orderType: "market" }]);
    expect(signals(parse("60123456789,buy,EURUSD,tp_pct=2.5,sl_pct=1"))[0]).toMatchObject({ stopLoss: { percent: "1" }, takeProfit: { percent: "2.5" } });
    expect(signals(parse("60123456789,bullish,EURUSD"))[0]?.intent).toEqual({ action: "open", side: "long" });
  });

  it("refuses pending orders, whose price= depends on an EA setting", () => {
    expect(refusal(parse("60123456789,buylimit,EURUSD,price=1.1,risk=1"))).toMatchObject({ reason: "ACTION_UNSUPPORTED" });
  });

  it("treats the license id and secret= as credentials", () => {
    const r = parse("60123456789,sell,EURUSD,vol_lots=1, secret=HappyTrader501");
    expect(r.credentials.sort()).toEqual(["60123456789", "HappyTrader501"]);
    expect(r.sanitizedBody).toBe("[redacted],sell,EURUSD,vol_lots=1, secret=[redacted]");
  });
});

describe("pipe-separated fields", () => {
  it("reads key=value pipes", () => {
    expect(signals(parse("ticker=BTCUSDT | action=buy | qty=1"))[0]).toMatchObject({ ...OPEN_LONG_BTC, quantity: { value: "1", unit: "base" } });
  });

  it("reads positional pipes by what each field is", () => {
    const r = parse("BTCUSDT|sell|0.25");
    expect(r.format).toBe("csv");
    expect(signals(r)).toEqual([{ symbol: "BTC/USDT", intent: { action: "open", side: "short" }, quantity: { value: "0.25", unit: "base" }, orderType: "market" }]);
  });

  it("refuses pipes it cannot identify", () => {
    expect(refusal(parse("RSI cross|BTCUSDT|buy"))).toEqual({ code: "MALFORMED_SIGNAL", reason: "UNPARSEABLE_BODY" });
  });
});
