import { describe, expect, it } from "vitest";
import type { Fill } from "../../src/domain/order.js";
import { applyFill, unrealizedPnl, type Position } from "../../src/domain/position.js";
import { at, BTC, ETH_PERP, makeFill } from "./paper-fixtures.js";

/** Applies fills in order and returns the last update; fill ids and times follow the index. */
function run(fills: (Partial<Fill> & Pick<Fill, "side" | "quantity" | "price">)[], rules = BTC) {
  let position: Position | undefined;
  const updates = fills.map((f, i) => {
    const update = applyFill(position, makeFill({ id: `fil_${i + 1}`, filledAt: at(i), symbol: rules.symbol, ...f }), rules);
    position = update.position;
    return update;
  });
  return { updates, last: updates[updates.length - 1]!, position: position! };
}

describe("opening from flat", () => {
  it("opens a long at the fill price with the fill's fee", () => {
    const { last } = run([{ side: "buy", quantity: "0.5", price: "100", fee: "0.05" }]);
    expect(last).toMatchObject({ realizedPnl: "0", closed: false, flipped: false });
    expect(last.position).toEqual({
      accountId: "acc_1",
      strategyId: "stg_1",
      symbol: "BTC/USDT",
      openingFillId: "fil_1",
      contractSize: "1",
      quantity: "0.5",
      averageEntryPrice: "100",
      costBasis: "50",
      realizedPnl: "0",
      fees: "0.05",
      status: "open",
      openedAt: at(0),
      closedAt: null,
      updatedAt: at(0),
    });
  });

  it("opens a short with a negative quantity", () => {
    const { position } = run([{ side: "sell", quantity: "2", price: "50" }]);
    expect(position).toMatchObject({ quantity: "-2", averageEntryPrice: "50", costBasis: "-100", status: "open" });
  });
});

describe("adding to the same side", () => {
  it("weights the entry by quantity: 1 @ 100 and 3 @ 104 average 103", () => {
    // (1×100 + 3×104) / 4 = 412 / 4 = 103
    const { last } = run([
      { side: "buy", quantity: "1", price: "100", fee: "0.1" },
      { side: "buy", quantity: "3", price: "104", fee: "0.3" },
    ]);
    expect(last.realizedPnl).toBe("0");
    expect(last.position).toMatchObject({ quantity: "4", averageEntryPrice: "103", costBasis: "412", fees: "0.4", openedAt: at(0), updatedAt: at(1) });
  });

  it("rounds a non-terminating average for storage but realizes from the exact cost", () => {
    // 302 / 3 = 100.666…; closing 3 @ 102 realizes 306 − 302 = 4, not 3 × (102 − 100.666666666666666667).
    const { updates } = run([
      { side: "buy", quantity: "1", price: "100" },
      { side: "buy", quantity: "2", price: "101" },
      { side: "sell", quantity: "3", price: "102" },
    ]);
    expect(updates[1]!.position).toMatchObject({ averageEntryPrice: "100.666666666666666667", costBasis: "302" });
    expect(updates[2]!.realizedPnl).toBe("4");
  });

  it("adds to a short", () => {
    // (−2×50 − 2×40) = −180 over −4: 45
    const { position } = run([
      { side: "sell", quantity: "2", price: "50" },
      { side: "sell", quantity: "2", price: "40" },
    ]);
    expect(position).toMatchObject({ quantity: "-4", averageEntryPrice: "45", costBasis: "-180" });
  });
});

describe("reducing and closing", () => {
  it("realizes only the reduced part and keeps the entry", () => {
    // 0.5 × (110 − 100) = 5
    const { last } = run([
      { side: "buy", quantity: "2", price: "100" },
      { side: "sell", quantity: "0.5", price: "110" },
    ]);
    expect(last).toMatchObject({ realizedPnl: "5", closed: false, flipped: false });
    expect(last.position).toMatchObject({ quantity: "1.5", averageEntryPrice: "100", costBasis: "150", realizedPnl: "5", status: "open" });
  });

  it("closes at zero with closedAt at the fill time and the position's total realized PnL", () => {
    // 5 from the reduce, then 1.5 × (90 − 100) = −15
    const { last } = run([
      { side: "buy", quantity: "2", price: "100", fee: "0.2" },
      { side: "sell", quantity: "0.5", price: "110", fee: "0.055" },
      { side: "sell", quantity: "1.5", price: "90", fee: "0.135" },
    ]);
    expect(last).toMatchObject({ realizedPnl: "-15", closed: true, flipped: false });
    expect(last.position).toMatchObject({ quantity: "0", costBasis: "0", realizedPnl: "-10", fees: "0.39", status: "closed", closedAt: at(2), averageEntryPrice: "100" });
  });

  it("realizes a short's profit when the price falls and its loss when it rises", () => {
    // short 4 @ 45; buy 1 @ 30: +15; buy 3 @ 47: 3 × (45 − 47) = −6
    const { updates, position } = run([
      { side: "sell", quantity: "2", price: "50" },
      { side: "sell", quantity: "2", price: "40" },
      { side: "buy", quantity: "1", price: "30" },
      { side: "buy", quantity: "3", price: "47" },
    ]);
    expect(updates[2]!.realizedPnl).toBe("15");
    expect(updates[2]!.position).toMatchObject({ quantity: "-3", averageEntryPrice: "45", costBasis: "-135" });
    expect(unrealizedPnl(updates[2]!.position, "50", BTC)).toBe("-15");
    expect(updates[3]!.realizedPnl).toBe("-6");
    expect(position).toMatchObject({ quantity: "0", realizedPnl: "9", status: "closed" });
  });

  it("reduces a non-terminating entry without leaving residue at the close", () => {
    // entry 100.666666666666666667 (302/3): 102 − that = 1.333333333333333333, then 204 − 201.333333333333333333
    const { updates } = run([
      { side: "buy", quantity: "1", price: "100" },
      { side: "buy", quantity: "2", price: "101" },
      { side: "sell", quantity: "1", price: "102" },
      { side: "sell", quantity: "2", price: "102" },
    ]);
    expect(updates[2]!.realizedPnl).toBe("1.333333333333333333");
    expect(updates[2]!.position).toMatchObject({ costBasis: "201.333333333333333333", averageEntryPrice: "100.666666666666666667" });
    expect(updates[3]!.realizedPnl).toBe("2.666666666666666667");
    expect(updates[3]!.position).toMatchObject({ realizedPnl: "4", costBasis: "0", status: "closed" });
  });
});

describe("flipping through zero", () => {
  it("realizes the closing part and opens the rest on the other side at the fill price", () => {
    // long 1 @ 100, sell 3 @ 120: realize 1 × 20, then short 2 @ 120
    const { last } = run([
      { side: "buy", quantity: "1", price: "100", fee: "0.1" },
      { side: "sell", quantity: "3", price: "120", fee: "0.36" },
    ]);
    expect(last).toMatchObject({ realizedPnl: "20", closed: false, flipped: true });
    expect(last.position).toMatchObject({ quantity: "-2", averageEntryPrice: "120", costBasis: "-240", realizedPnl: "20", fees: "0.46", status: "open", openingFillId: "fil_1", closedAt: null });
    // short 2 from 120 marked at 110: +20
    expect(unrealizedPnl(last.position, "110", BTC)).toBe("20");
  });

  it("flips a short into a long", () => {
    // short 2 @ 50, buy 5 @ 60: 2 × (50 − 60) = −20, then long 3 @ 60
    const { last } = run([
      { side: "sell", quantity: "2", price: "50" },
      { side: "buy", quantity: "5", price: "60" },
    ]);
    expect(last).toMatchObject({ realizedPnl: "-20", flipped: true });
    expect(last.position).toMatchObject({ quantity: "3", averageEntryPrice: "60", costBasis: "180" });
  });
});

describe("contract size", () => {
  it("multiplies PnL by the contract size", () => {
    // 100 contracts of 0.01 ETH @ 2000; sell 40 @ 2100: 40 × 100 × 0.01 = 40
    const { updates } = run(
      [
        { side: "buy", quantity: "100", price: "2000" },
        { side: "sell", quantity: "40", price: "2100" },
        { side: "sell", quantity: "60", price: "1900" },
      ],
      ETH_PERP,
    );
    expect(updates[0]!.position.contractSize).toBe("0.01");
    expect(updates[1]!.realizedPnl).toBe("40");
    // 60 × (2050 − 2000) × 0.01 = 30
    expect(unrealizedPnl(updates[1]!.position, "2050", ETH_PERP)).toBe("30");
    // 60 × (1900 − 2000) × 0.01 = −60; total 40 − 60
    expect(updates[2]!.realizedPnl).toBe("-60");
    expect(updates[2]!.position).toMatchObject({ realizedPnl: "-20", status: "closed" });
  });
});

describe("fees", () => {
  it("accumulates every fill's fee, rebates included, apart from realized PnL", () => {
    const { position } = run([
      { side: "buy", quantity: "1", price: "100", fee: "0.1" },
      { side: "buy", quantity: "1", price: "100", fee: "0.25" },
      { side: "sell", quantity: "1", price: "101", fee: "-0.05" },
    ]);
    expect(position).toMatchObject({ fees: "0.3", realizedPnl: "1" });
  });
});

describe("unrealized PnL", () => {
  it("is (mark − entry) × quantity for a long and zero once closed", () => {
    const { updates } = run([
      { side: "buy", quantity: "0.5", price: "100" },
      { side: "sell", quantity: "0.5", price: "90" },
    ]);
    expect(unrealizedPnl(updates[0]!.position, "103.5", BTC)).toBe("1.75");
    expect(unrealizedPnl(updates[1]!.position, "103.5", BTC)).toBe("0");
  });
});

describe("a closed position is history", () => {
  it("starts a new position for the next fill and leaves the closed one untouched", () => {
    const { position: closed } = run([
      { side: "buy", quantity: "1", price: "100", fee: "0.1" },
      { side: "sell", quantity: "1", price: "110", fee: "0.11" },
    ]);
    Object.freeze(closed);
    const snapshot = structuredClone(closed);
    const next = applyFill(closed, makeFill({ id: "fil_3", side: "buy", quantity: "2", price: "105", fee: "0.21", filledAt: at(5) }), BTC);
    expect(next).toMatchObject({ realizedPnl: "0", closed: false, flipped: false });
    expect(next.position).not.toBe(closed);
    expect(next.position).toMatchObject({ openingFillId: "fil_3", quantity: "2", averageEntryPrice: "105", realizedPnl: "0", fees: "0.21", status: "open", openedAt: at(5), closedAt: null });
    expect(closed).toEqual(snapshot);
    expect(closed).toMatchObject({ status: "closed", realizedPnl: "10", fees: "0.21" });
  });

  it("refuses a fill of another strategy, account or symbol", () => {
    const { position } = run([{ side: "buy", quantity: "1", price: "100" }]);
    expect(() => applyFill(position, makeFill({ strategyId: "stg_2", side: "buy", quantity: "1", price: "100" }), BTC)).toThrow(RangeError);
    expect(() => applyFill(position, makeFill({ accountId: "acc_2", side: "buy", quantity: "1", price: "100" }), BTC)).toThrow(RangeError);
    expect(() => applyFill(position, makeFill({ symbol: ETH_PERP.symbol, side: "buy", quantity: "1", price: "100" }), BTC)).toThrow(RangeError);
    expect(() => applyFill(position, makeFill({ side: "buy", quantity: "0", price: "100" }), BTC)).toThrow(RangeError);
  });
});
