import { describe, expect, it } from "vitest";
import { normalizeSymbol } from "../../src/ingest/tradingview/index.js";

describe("normalizeSymbol", () => {
  const cases: [string, string][] = [
    ["BINANCE:BTCUSDT", "BTC/USDT"],
    ["BTCUSDT", "BTC/USDT"],
    ["btcusdt", "BTC/USDT"],
    ["  BTCUSDT  ", "BTC/USDT"],
    ["BTCUSDT.P", "BTC/USDT:USDT"],
    ["BYBIT:ETHUSDT.P", "ETH/USDT:USDT"],
    ["BTC/USDT", "BTC/USDT"],
    ["btc/usdt", "BTC/USDT"],
    ["BTC-USDT", "BTC/USDT"],
    ["BTC_USDT", "BTC/USDT"],
    ["BTC/USDT:USDT", "BTC/USDT:USDT"],
    ["USDT_BTC", "BTC/USDT"],
    ["BTC_ETH", "ETH/BTC"],
    ["BTC-PERP", "BTC/USD:USD"],
    ["ETH-PERP", "ETH/USD:USD"],
    ["BTCPERP", "BTC/USD:USD"],
    ["BTC-USDT-SWAP", "BTC/USDT:USDT"],
    ["BTC-USD-SWAP", "BTC/USD:BTC"],
    ["BTC-PERPETUAL", "BTC/USD:BTC"],
    ["BTCUSD", "BTC/USD"],
    ["BTCUSD.P", "BTC/USD:BTC"],
    ["AUDUSD", "AUD/USD"],
    ["EURSEK", "EUR/SEK"],
    ["XAUUSD", "XAU/USD"],
    ["ETHBTC", "ETH/BTC"],
    ["BNBETH", "BNB/ETH"],
    ["BTCFDUSD", "BTC/FDUSD"],
    ["ETHUSDC", "ETH/USDC"],
    ["BTCTRY", "BTC/TRY"],
    ["1000PEPEUSDT", "1000PEPE/USDT"],
    ["W/USDT", "W/USDT"],
    ["COINBASE:BTC-USD", "BTC/USD"],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → ${expected}`, () => expect(normalizeSymbol(raw)).toBe(expected));
  }

  const rejected = ["", "   ", "???", "USDT", "USD", "BTC", "XUSDT", "BUSD", "1000USDT", "BTC USDT", "BTC/USDT/ETH", "BTC-USDT-250926", "A:B:C", "x".repeat(100), "hello"];
  for (const raw of rejected) {
    it(`${JSON.stringify(raw.slice(0, 20))} is not a symbol`, () => expect(normalizeSymbol(raw)).toBeUndefined());
  }

  it("tolerates non-string input from untyped callers", () => {
    expect(normalizeSymbol(undefined as unknown as string)).toBeUndefined();
    expect(normalizeSymbol(42 as unknown as string)).toBeUndefined();
  });
});
