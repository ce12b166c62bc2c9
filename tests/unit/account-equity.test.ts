import { describe, expect, it } from "vitest";
import { applyFillToCash, equity, missingMarks, openPaperAccount } from "../../src/domain/account.js";
import { applyFill } from "../../src/domain/position.js";
import { at, BTC, ETH_PERP, makeFill } from "./paper-fixtures.js";

describe("cash", () => {
  it("opens with the starting cash", () => {
    expect(openPaperAccount({ id: "acc_1", currency: "USDT", startingCash: "10000.00" })).toEqual({
      id: "acc_1",
      currency: "USDT",
      startingCash: "10000",
      cash: "10000",
      fees: "0",
    });
  });

  it("spends the notional and the fee on a buy and receives the notional less the fee on a sell", () => {
    const account = openPaperAccount({ id: "acc_1", currency: "USDT", startingCash: "10000" });
    // 10000 − 0.2 × 20000 − 4 = 5996
    const bought = applyFillToCash(account, makeFill({ side: "buy", quantity: "0.2", price: "20000", fee: "4" }), BTC);
    expect(bought).toMatchObject({ cash: "5996", fees: "4", startingCash: "10000" });
    // 5996 + 0.1 × 22000 − 2.2 = 8193.8
    const sold = applyFillToCash(bought, makeFill({ side: "sell", quantity: "0.1", price: "22000", fee: "2.2" }), BTC);
    expect(sold).toMatchObject({ cash: "8193.8", fees: "6.2" });
  });

  it("applies the contract size and lets a paper account sell short", () => {
    const account = openPaperAccount({ id: "acc_1", currency: "USDT", startingCash: "1000" });
    // 1000 + 10 × 0.01 × 2000 − 0.1 = 1199.9
    const shorted = applyFillToCash(account, makeFill({ symbol: ETH_PERP.symbol, side: "sell", quantity: "10", price: "2000", fee: "0.1" }), ETH_PERP);
    expect(shorted.cash).toBe("1199.9");
  });

  it("refuses a fill of another account or a market quoted in another currency", () => {
    const account = openPaperAccount({ id: "acc_1", currency: "USDT", startingCash: "1000" });
    expect(() => applyFillToCash(account, makeFill({ accountId: "acc_2", side: "buy", quantity: "1", price: "1" }), BTC)).toThrow(RangeError);
    const eur = { ...BTC, symbol: "BTC/EUR", quote: "EUR" };
    expect(() => applyFillToCash(account, makeFill({ symbol: "BTC/EUR", side: "buy", quantity: "1", price: "1" }), eur)).toThrow(RangeError);
  });
});

describe("equity", () => {
  it("is cash plus the held quantity at the mark, and agrees with start + realized + unrealized − fees", () => {
    let account = openPaperAccount({ id: "acc_1", currency: "USDT", startingCash: "10000" });
    const buy = makeFill({ id: "fil_1", side: "buy", quantity: "0.2", price: "20000", fee: "4", filledAt: at(0) });
    account = applyFillToCash(account, buy, BTC);
    let position = applyFill(undefined, buy, BTC).position;
    // 5996 + 0.2 × 21000 = 10196 = 10000 + 0 + 200 − 4
    expect(equity(account, [position], { [BTC.symbol]: "21000" })).toBe("10196");

    const sell = makeFill({ id: "fil_2", side: "sell", quantity: "0.1", price: "22000", fee: "2.2", filledAt: at(1) });
    account = applyFillToCash(account, sell, BTC);
    position = applyFill(position, sell, BTC).position;
    // 8193.8 + 0.1 × 21500 = 10343.8 = 10000 + 200 realized + 150 unrealized − 6.2
    expect(position.realizedPnl).toBe("200");
    expect(equity(account, [position], { [BTC.symbol]: "21500" })).toBe("10343.8");
  });

  it("values a short perpetual position negatively", () => {
    let account = openPaperAccount({ id: "acc_1", currency: "USDT", startingCash: "1000" });
    const sell = makeFill({ symbol: ETH_PERP.symbol, side: "sell", quantity: "10", price: "2000", fee: "0.1" });
    account = applyFillToCash(account, sell, ETH_PERP);
    const position = applyFill(undefined, sell, ETH_PERP).position;
    // 1199.9 − 10 × 2100 × 0.01 = 989.9 = 1000 − 10 unrealized − 0.1
    expect(equity(account, [position], { [ETH_PERP.symbol]: "2100" })).toBe("989.9");
  });

  it("needs no mark for a closed position and refuses to guess a missing one", () => {
    let account = openPaperAccount({ id: "acc_1", currency: "USDT", startingCash: "100" });
    const buy = makeFill({ id: "fil_1", side: "buy", quantity: "1", price: "10" });
    const sell = makeFill({ id: "fil_2", side: "sell", quantity: "1", price: "12" });
    account = applyFillToCash(applyFillToCash(account, buy, BTC), sell, BTC);
    const closed = applyFill(applyFill(undefined, buy, BTC).position, sell, BTC).position;
    // 100 − 10 + 12
    expect(equity(account, [closed], {})).toBe("102");

    const open = applyFill(undefined, makeFill({ symbol: ETH_PERP.symbol, side: "buy", quantity: "1", price: "2000" }), ETH_PERP).position;
    expect(missingMarks([closed, open], {})).toEqual([ETH_PERP.symbol]);
    expect(() => equity(account, [closed, open], {})).toThrow(/no mark price for ETH\/USDT:USDT/);
  });

  it("refuses a position of another account", () => {
    const account = openPaperAccount({ id: "acc_1", currency: "USDT", startingCash: "100" });
    const other = applyFill(undefined, makeFill({ accountId: "acc_2", side: "buy", quantity: "1", price: "10" }), BTC).position;
    expect(() => equity(account, [other], { [BTC.symbol]: "10" })).toThrow(RangeError);
  });
});
