import { describe, expect, it } from "vitest";
import { BACKTEST_ACCOUNT_ID, SimBook } from "../../src/backtest/engine/sim-book.js";
import { sequentialIds } from "../../src/backtest/engine/sim-ids.js";
import { SimVenue } from "../../src/backtest/engine/sim-venue.js";
import { TradeRecorder } from "../../src/backtest/engine/trade-recorder.js";
import type { StoredOrder } from "../../src/db/repositories/trading-repository.js";
import { BTC, makeFill, makeOrder, T0 } from "./paper-fixtures.js";

/** The backtest's books must do what the paper venue's SQL does (invariant 6): these mirror superseded-orders.test.ts. */

const resting = (overrides: Partial<StoredOrder> & Pick<StoredOrder, "id" | "side" | "kind" | "quantity" | "role">): StoredOrder => ({
  ...makeOrder({ accountId: BACKTEST_ACCOUNT_ID, ...overrides }),
  leg: 0,
  stopLossPrice: null,
  takeProfitPrice: null,
  ...overrides,
});

function longWithExitAndStop() {
  const book = new SimBook("100000", "USDT", sequentialIds());
  book.bookFill(makeFill({ accountId: BACKTEST_ACCOUNT_ID, side: "buy", quantity: "1", price: "100" }), BTC);
  const stop = resting({ id: "ord_stop", side: "sell", kind: "stop", stopPrice: "90", quantity: "1", role: "stop_loss", reduceOnly: true });
  const exit = resting({ id: "ord_exit", side: "sell", kind: "limit", limitPrice: "120", quantity: "1", role: "exit", reduceOnly: true });
  book.resting.push(stop, exit);
  const venue = new SimVenue(book, sequentialIds(), { slippageBps: "0", makerFeeBps: "0", takerFeeBps: "0" }, new Map([[BTC.symbol, BTC]]), new TradeRecorder());
  return { book, venue };
}

describe("SimBook", () => {
  it("takes a resting reduce-only exit off the book with the stop when the stop closes the position", () => {
    const { book, venue } = longWithExitAndStop();
    venue.onBar(BTC.symbol, { open: 95, high: 95, low: 85, openText: "95", at: T0, index: 0 });
    expect(book.positions.size).toBe(0);
    expect(book.resting).toEqual([]);
  });

  it("keeps entries and other symbols' orders when a position closes", () => {
    const { book } = longWithExitAndStop();
    const entry = resting({ id: "ord_entry", side: "buy", kind: "limit", limitPrice: "80", quantity: "1", role: "entry" });
    const elsewhere = resting({ id: "ord_eth", symbol: "ETH/USDT", side: "sell", kind: "limit", limitPrice: "5000", quantity: "1", role: "exit", reduceOnly: true });
    book.resting.push(entry, elsewhere);
    book.cancelProtection(BTC.symbol);
    expect(book.resting.map((o) => o.id)).toEqual(["ord_entry", "ord_eth"]);
  });

  it("answers the symbol's working sells that are not reduce-only, at what they have left to fill, as the snapshot's SQL does", () => {
    const { book } = longWithExitAndStop();
    const partly = resting({ id: "ord_s1", side: "sell", kind: "limit", limitPrice: "130", quantity: "0.5", filledQuantity: "0.2", status: "partially_filled", role: "entry" });
    const whole = resting({ id: "ord_s2", side: "sell", kind: "limit", limitPrice: "140", quantity: "0.1", role: "entry" });
    const buy = resting({ id: "ord_b", side: "buy", kind: "limit", limitPrice: "80", quantity: "3", role: "entry" });
    const elsewhere = resting({ id: "ord_eth", symbol: "ETH/USDT", side: "sell", kind: "limit", limitPrice: "5000", quantity: "7", role: "entry" });
    book.resting.push(partly, whole, buy, elsewhere);
    // The stop and the exit (1 each, reduce-only) do not count: 0.3 + 0.1.
    expect(book.snapshot(T0, new Map(), 0, BTC.symbol).restingSells).toBe("0.4");
    expect(book.snapshot(T0, new Map(), 0, "SOL/USDT").restingSells).toBe("0");
  });

  it("answers what the working spot buys (not reduce-only, every symbol) may still spend, as the snapshot's SQL does", () => {
    const { book } = longWithExitAndStop();
    const partly = resting({ id: "ord_b1", side: "buy", kind: "limit", limitPrice: "80", quantity: "3", filledQuantity: "1", status: "partially_filled", role: "entry" });
    const stop = resting({ id: "ord_b2", symbol: "ETH/USDT", side: "buy", kind: "stop", stopPrice: "4000", quantity: "0.5", role: "entry" });
    const unpriced = resting({ id: "ord_b3", symbol: "SOL/USDT", side: "buy", kind: "market", quantity: "2", role: "entry" });
    const reduceOnly = resting({ id: "ord_b4", side: "buy", kind: "limit", limitPrice: "90", quantity: "5", role: "exit", reduceOnly: true });
    const perp = resting({ id: "ord_b5", symbol: "BTC/USDT:USDT", side: "buy", kind: "limit", limitPrice: "90", quantity: "5", role: "entry" });
    const sell = resting({ id: "ord_s", side: "sell", kind: "limit", limitPrice: "130", quantity: "1", role: "entry" });
    book.resting.push(partly, stop, unpriced, reduceOnly, perp, sell);
    // 2 left × 80 + 0.5 × 4 000 at the stop + 2 SOL at its last price 150; the exit, the perpetual and the sell do not count.
    const prices = new Map([["SOL/USDT", { price: "150", observedAt: T0, dayOpen: null }]]);
    expect(book.snapshot(T0, prices, 0, BTC.symbol).restingBuys).toBe("2460");
    // With no price for SOL, its market buy is left out, as the SQL's sum skips a null.
    expect(book.snapshot(T0, new Map(), 0, BTC.symbol).restingBuys).toBe("2160");
  });

  it("cancels the symbol's entries on the superseded sides only, and protects what a cancelled entry filled", () => {
    const { book, venue } = longWithExitAndStop();
    const buy = resting({ id: "ord_buy", side: "buy", kind: "limit", limitPrice: "80", quantity: "2", filledQuantity: "1", status: "partially_filled", role: "entry", stopLossPrice: "70" });
    const sell = resting({ id: "ord_sell", side: "sell", kind: "limit", limitPrice: "130", quantity: "1", role: "entry" });
    book.resting.push(buy, sell);
    const cancelled = venue.cancelEntries(BTC.symbol, ["buy"], "ENTRY_ORDER_CANCELLED_BY_SIGNAL");
    expect(cancelled).toMatchObject([{ id: "ord_buy", status: "cancelled", rejectReason: "ENTRY_ORDER_CANCELLED_BY_SIGNAL" }]);
    expect(book.resting.map((o) => [o.id, o.role])).toEqual([
      ["ord_stop", "stop_loss"],
      ["ord_exit", "exit"],
      ["ord_sell", "entry"],
      [expect.any(String), "stop_loss"],
    ]);
    expect(book.resting.at(-1)).toMatchObject({ parentOrderId: "ord_buy", quantity: "1", stopPrice: "70" });
  });
});
