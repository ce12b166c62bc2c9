import { functions, type Market } from "ccxt";
import { describe, expect, it } from "vitest";
import { marketRulesFromCcxt, marketRulesMap, numberText, precisionStep } from "../../src/execution/live/index.js";

const { TICK_SIZE, DECIMAL_PLACES, SIGNIFICANT_DIGITS } = functions;

const market = (overrides: Record<string, unknown> = {}): Market =>
  ({
    id: "BTCUSDT",
    symbol: "BTC/USDT",
    base: "BTC",
    quote: "USDT",
    active: true,
    spot: true,
    swap: false,
    contractSize: undefined,
    maker: 0.001,
    taker: 0.001,
    precision: { amount: 0.00001, price: 0.01 },
    limits: { amount: { min: 0.00001, max: 9000 }, cost: { min: 5, max: undefined } },
    ...overrides,
  }) as unknown as Market;

describe("ccxt market → MarketRules", () => {
  it("takes steps, limits and fees from a TICK_SIZE market", () => {
    expect(marketRulesFromCcxt(market(), TICK_SIZE)).toEqual({
      symbol: "BTC/USDT",
      base: "BTC",
      quote: "USDT",
      kind: "spot",
      contractSize: "1",
      amountStep: "0.00001",
      priceStep: "0.01",
      minAmount: "0.00001",
      maxAmount: "9000",
      minCost: "5",
      makerFeeBps: "10",
      takerFeeBps: "10",
    });
  });

  it("converts DECIMAL_PLACES digit counts to steps", () => {
    const rules = marketRulesFromCcxt(market({ precision: { amount: 5, price: 2 } }), DECIMAL_PLACES);
    expect(rules).toMatchObject({ amountStep: "0.00001", priceStep: "0.01" });
    expect(precisionStep(0, DECIMAL_PLACES)).toBe("1");
    expect(precisionStep(2.5, DECIMAL_PLACES)).toBeUndefined();
  });

  it("never guesses: missing precision, SIGNIFICANT_DIGITS, missing fees or an unsupported kind yield undefined", () => {
    expect(marketRulesFromCcxt(market({ precision: { amount: undefined, price: 0.01 } }), TICK_SIZE)).toBeUndefined();
    expect(marketRulesFromCcxt(market({ precision: { amount: 0.001, price: undefined } }), TICK_SIZE)).toBeUndefined();
    expect(marketRulesFromCcxt(market({ precision: { amount: 0, price: 0.01 } }), TICK_SIZE)).toBeUndefined();
    expect(marketRulesFromCcxt(market(), SIGNIFICANT_DIGITS)).toBeUndefined();
    expect(marketRulesFromCcxt(market({ taker: undefined }), TICK_SIZE)).toBeUndefined();
    expect(marketRulesFromCcxt(market({ spot: false, swap: false }), TICK_SIZE)).toBeUndefined();
  });

  it("a swap needs its contract size", () => {
    const swap = { symbol: "BTC/USDT:USDT", spot: false, swap: true, maker: 0.0002, taker: 0.0005 };
    expect(marketRulesFromCcxt(market({ ...swap, contractSize: 0.001 }), TICK_SIZE)).toMatchObject({
      kind: "swap",
      contractSize: "0.001",
      makerFeeBps: "2",
      takerFeeBps: "5",
    });
    expect(marketRulesFromCcxt(market({ ...swap, contractSize: undefined }), TICK_SIZE)).toBeUndefined();
  });

  it("keeps the venue's decimal text of small and exponent-printed doubles", () => {
    expect(numberText(1e-8)).toBe("0.00000001");
    expect(numberText(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(numberText(Number.NaN)).toBeUndefined();
  });

  it("leaves inactive markets and markets without rules out of the map", () => {
    const map = marketRulesMap(
      {
        "BTC/USDT": market(),
        "OLD/USDT": market({ symbol: "OLD/USDT", active: false }),
        "ODD/USDT": market({ symbol: "ODD/USDT", precision: {} }),
      },
      TICK_SIZE,
    );
    expect([...map.keys()]).toEqual(["BTC/USDT"]);
  });
});
