import { describe, expect, it } from "vitest";
import { parseBacktestArgs } from "../../scripts/backtest-args.js";
import { parseInstant } from "../../scripts/cli.js";
import { DEFAULT_STRATEGY_CONFIG } from "../../src/domain/strategy-config.js";

const BASE = ["--symbol", "BTC/USDT", "--timeframe", "1h", "--from", "2025-01-01", "--to", "2025-02-01", "--strategy", "rsi"];

function spec(args: readonly string[]) {
  const parsed = parseBacktestArgs(args);
  if ("help" in parsed) throw new Error("expected a spec");
  return parsed;
}

const refusal = (args: readonly string[]) => {
  try {
    parseBacktestArgs(args);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a refusal");
};

describe("parseBacktestArgs", () => {
  it("fills the job layer's defaults: 10000 cash, the market's fees, no slippage, next open, the default sizing", () => {
    const { spec: s, json } = spec(BASE);
    expect(json).toBe(false);
    expect(s).toEqual({
      symbols: ["BTC/USDT"],
      timeframe: "1h",
      from: Date.UTC(2025, 0, 1),
      to: Date.UTC(2025, 1, 1),
      startingCash: "10000",
      makerFeeBps: "10",
      takerFeeBps: "10",
      slippageBps: "0",
      fillModel: "next_open",
      source: { kind: "builtin", spec: { type: "rsi", params: { period: 14, oversold: 30, overbought: 70, allowShort: false } } },
      config: DEFAULT_STRATEGY_CONFIG,
    });
  });

  it("takes every option, params read as JSON where they are JSON", () => {
    const { spec: s, json } = spec([
      ...BASE.slice(0, 8),
      "--symbol", "ETH/USDT:USDT",
      "--strategy", "ensemble",
      "--param", 'members=[{"type":"rsi","params":{"period":7}},{"type":"sma-cross"}]',
      "--param", "threshold=0.75",
      "--param", "allowShort=true",
      "--cash", "2500.5",
      "--fee-bps", "4",
      "--slippage-bps", "1.5",
      "--fill", "this_close",
      "--sizing-quote", "250",
      "--json",
    ]);
    expect(json).toBe(true);
    expect(s).toMatchObject({
      symbols: ["BTC/USDT", "ETH/USDT:USDT"],
      startingCash: "2500.5",
      makerFeeBps: "4",
      takerFeeBps: "4",
      slippageBps: "1.5",
      fillModel: "this_close",
      config: { mode: "paper", accountId: null, sizing: { type: "fixed_quote", notional: "250" } },
    });
    expect(s.source).toMatchObject({
      spec: { type: "ensemble", params: { threshold: 0.75, allowShort: true, members: [{ type: "rsi", params: { period: 7 } }, { type: "sma-cross" }] } },
    });
  });

  it("defaults the fees to the dearest of the symbols' markets", () => {
    expect(spec(["--symbol", "BTC/USDT:USDT", ...BASE.slice(2)]).spec).toMatchObject({ makerFeeBps: "2", takerFeeBps: "5" });
    expect(spec(["--symbol", "BTC/USDT:USDT", ...BASE]).spec).toMatchObject({ makerFeeBps: "10", takerFeeBps: "10" });
  });

  it.each([
    [[], /^usage: npm run backtest/],
    [BASE.slice(2), /^--symbol is required$/],
    [["--symbol", "btc-usdt", ...BASE.slice(2)], /^--symbol must be a ccxt unified symbol such as BTC\/USDT, not btc-usdt$/],
    [["--symbol", "PEPE/USDT", ...BASE.slice(2)], /^--symbol PEPE\/USDT: .*paper venue/],
    [[...BASE, "--symbol", "BTC/USDT"], /^--symbol must not repeat a symbol$/],
    [[...BASE.slice(0, 2), ...BASE.slice(4)], /^--timeframe is required$/],
    [[...BASE, "--timeframe", "1M"], /^--timeframe must be one of/],
    [[...BASE, "--from", "2025-01-01T00:00:00"], /^--from must be a date .* not 2025-01-01T00:00:00$/],
    [[...BASE, "--to", "2024-12-31"], /^--to must be after --from$/],
    [[...BASE, "--strategy", "momentum"], /^--strategy must be one of rsi, macd, bollinger, sma-cross, ensemble, not momentum$/],
    [[...BASE, "--param", "period"], /^--param must be name=value, not period$/],
    [[...BASE, "--param", "window=5"], /^--param window: rsi has no such parameter$/],
    [[...BASE, "--param", "period=1"], /^--param period must be a whole number from 2 to 500$/],
    [[...BASE, "--param", "overbought=20"], /^--param overbought must exceed oversold$/],
    [[...BASE.slice(0, 8), "--strategy", "ensemble"], /^--param/],
    [[...BASE, "--cash", "0"], /^--cash must be a decimal number above 0, not 0$/],
    [[...BASE, "--fee-bps=-1"], /^--fee-bps must be a decimal number of basis points, at least 0, not -1$/],
    [[...BASE, "--fee-bps", "-1"], /'--fee-bps' argument is ambiguous/],
    [[...BASE, "--slippage-bps", "10000"], /^--slippage-bps must be below 10000$/],
    [[...BASE, "--fill", "mid"], /^--fill must be one of next_open, this_close$/],
    [[...BASE, "--sizing-quote", "1e3"], /^--sizing-quote must be a decimal number above 0, not 1e3$/],
    [[...BASE, "--speed", "9"], /--speed/],
  ])("refuses %j with one line naming the argument", (args, message) => {
    const text = refusal(args);
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });
});

describe("parseInstant", () => {
  it("reads a date as midnight UTC, a zoned date-time, or milliseconds", () => {
    expect(parseInstant("from", "2025-03-04")).toBe(Date.UTC(2025, 2, 4));
    expect(parseInstant("from", "2025-03-04T05:06:07+02:00")).toBe(Date.UTC(2025, 2, 4, 3, 6, 7));
    expect(parseInstant("from", "1745971200000")).toBe(1745971200000);
    expect(() => parseInstant("from", "yesterday")).toThrow(/^--from must be/);
  });
});
