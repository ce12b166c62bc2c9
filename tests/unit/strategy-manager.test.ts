import { describe, expect, it } from "vitest";
import { afterFills, codes, config, PERP, plan, signal } from "./strategy-manager-fixtures.js";

const openLong = signal({ intent: { action: "open", side: "long" } });
const openShort = signal({ intent: { action: "open", side: "short" } });
const target = (side: "long" | "short" | "flat", size?: string, extra: object = {}) =>
  signal({ intent: size === undefined ? { action: "target", side } : { action: "target", side, size }, ...extra });
const exact = (value: string) => ({ type: "exact", value });

describe("open", () => {
  it("enters a sized order from flat, passing the signal's quantity to the sizing policy", () => {
    const p = plan({ signal: signal({ intent: { action: "open", side: "long" }, quantity: { value: "0.02", unit: "base" } }) });
    expect(p.noop).toBeUndefined();
    expect(p.orders).toEqual([
      { role: "entry", side: "buy", kind: "market", quantity: { type: "sized", signalQuantity: { value: "0.02", unit: "base" } }, reduceOnly: false, leg: 0 },
    ]);
  });

  it("adds to the held side only with pyramiding", () => {
    expect(plan({ signal: openLong, position: "0.5" }).noop?.code).toBe("PYRAMIDING_OFF");
    const p = plan({ signal: openLong, position: "0.5", config: config({ pyramiding: true }) });
    expect(p.orders).toMatchObject([{ role: "entry", side: "buy", quantity: { type: "sized" } }]);
  });

  it("only closes the opposite position when oppositeSignal is close", () => {
    const p = plan({ signal: openShort, position: "0.5", config: config({ oppositeSignal: "close" }) });
    expect(p.orders).toEqual([{ role: "exit", side: "sell", kind: "market", quantity: exact("0.5"), reduceOnly: true, leg: 0 }]);
    expect(codes(p)).toEqual(["OPPOSITE_SIGNAL_CLOSES_ONLY"]);
  });

  it("reverses long → short as one signal: exit of the whole position (leg 0), then a sized entry (leg 1)", () => {
    const p = plan({ signal: openShort, position: "0.5" });
    expect(p.orders).toEqual([
      { role: "exit", side: "sell", kind: "market", quantity: exact("0.5"), reduceOnly: true, leg: 0 },
      { role: "entry", side: "sell", kind: "market", quantity: { type: "sized" }, reduceOnly: false, leg: 1 },
    ]);
  });
});

describe("reverse", () => {
  it("reverses even when the strategy's oppositeSignal is close", () => {
    const p = plan({ signal: signal({ intent: { action: "reverse", side: "long" } }), position: "-0.25", config: config({ oppositeSignal: "close" }) });
    expect(p.orders.map((o) => [o.role, o.side, o.quantity])).toEqual([
      ["exit", "buy", exact("0.25")],
      ["entry", "buy", { type: "sized" }],
    ]);
    expect(codes(p)).toEqual([]);
  });

  it("is just the entry when flat, and follows pyramiding on the held side", () => {
    const rev = signal({ intent: { action: "reverse", side: "short" } });
    expect(plan({ signal: rev }).orders).toMatchObject([{ role: "entry", side: "sell", leg: 0 }]);
    expect(plan({ signal: rev, position: "-1" }).noop?.code).toBe("PYRAMIDING_OFF");
  });
});

describe("close", () => {
  const close = (side?: "long" | "short", quantity?: { value: string; unit: "base" | "quote" | "percent_position" | "percent_equity" }) =>
    signal({ intent: side ? { action: "close", side } : { action: "close" }, ...(quantity ? { quantity } : {}) });

  it("exits the whole position on the named side, or whatever is held without a side", () => {
    expect(plan({ signal: close("long"), position: "0.5" }).orders).toEqual([
      { role: "exit", side: "sell", kind: "market", quantity: exact("0.5"), reduceOnly: true, leg: 0 },
    ]);
    expect(plan({ signal: close(), position: "-0.3" }).orders).toMatchObject([{ role: "exit", side: "buy", quantity: exact("0.3") }]);
  });

  it("is a no-op when flat or when the other side is held", () => {
    expect(plan({ signal: close("long") }).noop?.code).toBe("NO_POSITION_TO_CLOSE");
    expect(plan({ signal: close() }).noop?.code).toBe("NO_POSITION_TO_CLOSE");
    const p = plan({ signal: close("short"), position: "0.5" });
    expect(p).toMatchObject({ orders: [], noop: { code: "NO_POSITION_TO_CLOSE" } });
  });

  it("exits a base quantity, truncated to the step and capped at the position (with a note)", () => {
    expect(plan({ signal: close("long", { value: "0.2", unit: "base" }), position: "0.5" }).orders[0]?.quantity).toEqual(exact("0.2"));
    const truncated = plan({ signal: close("long", { value: "0.2345", unit: "base" }), position: "0.5" });
    expect(truncated.orders[0]?.quantity).toEqual(exact("0.234"));
    expect(codes(truncated)).toEqual(["EXIT_QUANTITY_TRUNCATED"]);
    const capped = plan({ signal: close("long", { value: "0.8", unit: "base" }), position: "0.5" });
    expect(capped.orders[0]?.quantity).toEqual(exact("0.5"));
    expect(codes(capped)).toEqual(["EXIT_CAPPED_AT_POSITION"]);
    expect(plan({ signal: close("long", { value: "0.0004", unit: "base" }), position: "0.5" }).noop?.code).toBe("EXIT_QUANTITY_ZERO");
  });

  it("exits a percent of the position, truncated to the step; nothing when that is below one step", () => {
    // 33% of 0.5 = 0.165; 33.33% of 0.1 = 0.03333 → 0.033; 0.5% of 0.1 = 0.0005 → 0.
    expect(plan({ signal: close("long", { value: "33", unit: "percent_position" }), position: "0.5" }).orders[0]?.quantity).toEqual(exact("0.165"));
    expect(plan({ signal: close(undefined, { value: "33.33", unit: "percent_position" }), position: "-0.1" }).orders).toMatchObject([
      { side: "buy", quantity: exact("0.033") },
    ]);
    expect(plan({ signal: close("long", { value: "0.5", unit: "percent_position" }), position: "0.1" }).noop?.code).toBe("EXIT_QUANTITY_ZERO");
    // 100% exits all of it, even a position off the step.
    expect(plan({ signal: close("long", { value: "100", unit: "percent_position" }), position: "0.5004" }).orders[0]?.quantity).toEqual(exact("0.5004"));
  });

  it("converts a quote amount at the reference price and refuses percent_equity", () => {
    // 5000 USDT at 50000 = 0.1 BTC.
    expect(plan({ signal: close("long", { value: "5000", unit: "quote" }), position: "0.5" }).orders[0]?.quantity).toEqual(exact("0.1"));
    expect(plan({ signal: close("long", { value: "5000", unit: "quote" }), position: "0.5", referencePrice: null }).noop?.code).toBe("REFERENCE_PRICE_MISSING");
    expect(plan({ signal: close("long", { value: "10", unit: "percent_equity" }), position: "0.5" }).noop?.code).toBe("QUANTITY_UNIT_UNSUPPORTED");
  });

  it("speaks base units to contracts: 0.01 BTC of a 30-contract perp position is 10 contracts", () => {
    const p = plan({ signal: close("long", { value: "0.01", unit: "base" }), position: "30", rules: PERP });
    expect(p.orders[0]?.quantity).toEqual(exact("10"));
  });
});

describe("target with a size", () => {
  it("enters, adds and reduces by the exact difference", () => {
    expect(plan({ signal: target("long", "0.5") }).orders).toEqual([
      { role: "entry", side: "buy", kind: "market", quantity: exact("0.5"), reduceOnly: false, leg: 0 },
    ]);
    expect(plan({ signal: target("long", "0.8"), position: "0.5" }).orders).toMatchObject([{ role: "entry", side: "buy", quantity: exact("0.3") }]);
    expect(plan({ signal: target("long", "0.3"), position: "0.8" }).orders).toMatchObject([
      { role: "exit", side: "sell", quantity: exact("0.5"), reduceOnly: true },
    ]);
    expect(plan({ signal: target("short", "0.3"), position: "-0.1" }).orders).toMatchObject([{ role: "entry", side: "sell", quantity: exact("0.2") }]);
  });

  it("reverses long → short in two exact legs: exit the position, then enter the remainder", () => {
    const p = plan({ signal: target("short", "0.2"), position: "0.5" });
    expect(p.orders).toEqual([
      { role: "exit", side: "sell", kind: "market", quantity: exact("0.5"), reduceOnly: true, leg: 0 },
      { role: "entry", side: "sell", kind: "market", quantity: exact("0.2"), reduceOnly: false, leg: 1 },
    ]);
    expect(afterFills("0.5", p)).toBe("-0.2");
  });

  it("goes flat with one exit of the whole position", () => {
    expect(plan({ signal: target("flat", "0"), position: "-0.7" }).orders).toMatchObject([{ role: "exit", side: "buy", quantity: exact("0.7") }]);
    expect(plan({ signal: target("flat", "0") }).noop?.code).toBe("ALREADY_AT_TARGET");
  });

  it("turns repeats into no-ops once the target is reached: 5 identical signals, one order", () => {
    const repeat = target("long", "0.5");
    let position = "0";
    let orders = 0;
    const noops: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = plan({ signal: repeat, position });
      orders += p.orders.length;
      if (p.noop) noops.push(p.noop.code);
      position = afterFills(position, p);
    }
    expect(orders).toBe(1);
    expect(position).toBe("0.5");
    expect(noops).toEqual(Array(4).fill("ALREADY_AT_TARGET"));
  });

  it("truncates the target to the amount step, never up", () => {
    const p = plan({ signal: target("long", "0.5009") });
    expect(p.orders[0]?.quantity).toEqual(exact("0.5"));
    expect(codes(p)).toEqual(["TARGET_SIZE_TRUNCATED"]);
    const same = plan({ signal: target("long", "0.5009"), position: "0.5" });
    expect(same.noop?.code).toBe("ALREADY_AT_TARGET");
  });

  it("is a no-op with a note when the difference is less than one step", () => {
    const p = plan({ signal: target("long", "0.5"), position: "0.5004" });
    expect(p).toMatchObject({ orders: [], noop: { code: "ALREADY_AT_TARGET" } });
    expect(codes(p)).toEqual(["TARGET_SIZE_DIFF"]);
  });

  it("reads the size in base units: 0.0257 BTC is 25 whole perp contracts", () => {
    const p = plan({ signal: target("short", "0.0257", { symbol: "BTC/USDT:USDT" }), position: "10", rules: PERP });
    expect(p.orders.map((o) => [o.side, o.quantity])).toEqual([
      ["sell", exact("10")],
      ["sell", exact("25")],
    ]);
    expect(codes(p)).toEqual(["TARGET_SIZE_TRUNCATED"]);
  });

  it("refuses a long or short target of size 0 and a flat target with a size", () => {
    expect(plan({ signal: target("long", "0") }).noop?.code).toBe("SIGNAL_INVALID");
    expect(plan({ signal: target("flat", "1") }).noop?.code).toBe("SIGNAL_INVALID");
  });
});

describe("target without a size", () => {
  it("flat exits everything, and is a no-op when already flat", () => {
    expect(plan({ signal: target("flat"), position: "0.5" }).orders).toMatchObject([{ role: "exit", side: "sell", quantity: exact("0.5") }]);
    expect(plan({ signal: target("flat") }).noop?.code).toBe("ALREADY_AT_TARGET");
  });

  it("exits part of the position on a sell while still long, capped at the position", () => {
    const partial = target("long", undefined, { intent: { action: "target", side: "long", orderSide: "sell" }, quantity: { value: "0.2", unit: "base" } });
    expect(plan({ signal: partial, position: "0.5" }).orders).toEqual([
      { role: "exit", side: "sell", kind: "market", quantity: exact("0.2"), reduceOnly: true, leg: 0 },
    ]);
    const capped = plan({ signal: partial, position: "0.1" });
    expect(capped.orders[0]?.quantity).toEqual(exact("0.1"));
    expect(codes(capped)).toEqual(["EXIT_CAPPED_AT_POSITION"]);
    const noQuantity = target("long", undefined, { intent: { action: "target", side: "long", orderSide: "sell" } });
    expect(plan({ signal: noQuantity, position: "0.5" }).noop?.code).toBe("ALREADY_AT_TARGET");
  });

  it("adds on a buy while long only with pyramiding, and is already there without an order side", () => {
    const add = target("long", undefined, { intent: { action: "target", side: "long", orderSide: "buy" } });
    expect(plan({ signal: add, position: "0.5" }).noop?.code).toBe("PYRAMIDING_OFF");
    expect(plan({ signal: add, position: "0.5", config: config({ pyramiding: true }) }).orders).toMatchObject([{ role: "entry", quantity: { type: "sized" } }]);
    expect(plan({ signal: target("long"), position: "0.5" }).noop?.code).toBe("ALREADY_AT_TARGET");
  });

  it("reverses to the other side (whatever oppositeSignal says) and enters from flat", () => {
    const p = plan({ signal: target("short"), position: "0.5", config: config({ oppositeSignal: "close" }) });
    expect(p.orders.map((o) => [o.leg, o.role, o.side, o.quantity.type])).toEqual([
      [0, "exit", "sell", "exact"],
      [1, "entry", "sell", "sized"],
    ]);
    expect(plan({ signal: target("short") }).orders).toMatchObject([{ role: "entry", side: "sell", leg: 0 }]);
  });
});

describe("previous position", () => {
  it("notes a sender that disagrees with us, and the target still heals the position", () => {
    // The alert that opened long was missed: the sender thinks it was long, we are flat.
    const missed = target("long", "0.5", { previousPosition: { side: "long", size: "0.3" } });
    const p = plan({ signal: missed });
    expect(p.orders).toMatchObject([{ role: "entry", side: "buy", quantity: exact("0.5") }]);
    expect(p.notes).toEqual([{ code: "PREVIOUS_POSITION_MISMATCH", detail: "the sender's previous position was long 0.3, ours is flat" }]);
  });

  it("says nothing when the sender agrees", () => {
    const agreed = target("flat", "0", { previousPosition: { side: "long" } });
    expect(codes(plan({ signal: agreed, position: "0.5" }))).toEqual([]);
  });
});

describe("maxPositionPerSymbol", () => {
  const capped = config({ maxPositionPerSymbol: "0.5" });

  it("caps an exact entry so the position stays within the maximum", () => {
    const p = plan({ signal: target("long", "0.8"), position: "0.3", config: capped });
    expect(p.orders[0]?.quantity).toEqual(exact("0.2"));
    expect(codes(p)).toEqual(["MAX_POSITION_CAPPED"]);
    expect(plan({ signal: target("long", "0.8"), position: "0.5", config: capped }).noop?.code).toBe("MAX_POSITION_REACHED");
  });

  it("caps the entry leg of a reversal but keeps the exit whole", () => {
    const p = plan({ signal: target("short", "0.8"), position: "0.6", config: capped });
    expect(p.orders.map((o) => o.quantity)).toEqual([exact("0.6"), exact("0.5")]);
  });

  it("leaves sized entries to the risk engine", () => {
    const p = plan({ signal: openLong, config: capped });
    expect(p.orders).toMatchObject([{ quantity: { type: "sized" } }]);
    expect(codes(p)).toEqual([]);
  });
});

describe("plans", () => {
  it("number their legs 0..n-1", () => {
    for (const p of [
      plan({ signal: openShort, position: "0.5" }),
      plan({ signal: target("long", "1"), position: "-1" }),
      plan({ signal: target("long", "1") }),
    ]) {
      expect(p.orders.map((o) => o.leg)).toEqual(p.orders.map((_, i) => i));
    }
  });

  it("turn bad input into no-ops instead of throwing", () => {
    expect(plan({ signal: openLong, position: "abc" }).noop?.code).toBe("POSITION_INVALID");
    expect(plan({ signal: openLong, rules: { ...PERP, amountStep: "0" } }).noop?.code).toBe("MARKET_RULES_INVALID");
    const unknown = { ...openLong, intent: { action: "hold" } } as unknown as typeof openLong;
    expect(plan({ signal: unknown }).noop?.code).toBe("SIGNAL_INVALID");
    expect(plan({ signal: null as unknown as typeof openLong }).noop?.code).toBe("STRATEGY_MANAGER_ERROR");
  });
});
