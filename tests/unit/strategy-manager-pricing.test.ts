import { describe, expect, it } from "vitest";
import { codes, config, PERP, plan, signal } from "./strategy-manager-fixtures.js";

const open = (side: "long" | "short", extra: object = {}) => signal({ intent: { action: "open", side }, ...extra });
const closeLong = (extra: object = {}) => signal({ intent: { action: "close", side: "long" }, ...extra });
const limitDefault = config({ defaultOrderType: { type: "limit", offsetBps: "10" } });

describe("order kind and limit price", () => {
  it("uses the signal's limit price for entries and exits", () => {
    const p = plan({ signal: open("short", { orderType: "limit", limitPrice: "49000.5" }), position: "0.5" });
    expect(p.orders.map((o) => [o.role, o.kind, o.limitPrice])).toEqual([
      ["exit", "limit", "49000.5"],
      ["entry", "limit", "49000.5"],
    ]);
  });

  it("offsets the default limit on the favourable side: a buy below the reference, a sell above, rounded further that way", () => {
    // 50000.005 × (1 − 0.001) = 49950.004995 → down to 49950.00; × (1 + 0.001) = 50050.005005 → up to 50050.01.
    const buy = plan({ signal: open("long"), config: limitDefault, referencePrice: "50000.005" });
    expect(buy.orders).toMatchObject([{ side: "buy", kind: "limit", limitPrice: "49950" }]);
    expect(codes(buy)).toEqual(["LIMIT_PRICE_FROM_OFFSET"]);
    const sell = plan({ signal: open("short"), config: limitDefault, referencePrice: "50000.005" });
    expect(sell.orders).toMatchObject([{ side: "sell", kind: "limit", limitPrice: "50050.01" }]);
  });

  it("prices a signal's limit without a price at the default offset (0 for a market default), on the tick", () => {
    const limitNoPrice = { orderType: "limit" };
    expect(plan({ signal: open("long", limitNoPrice), referencePrice: "50000.005" }).orders[0]?.limitPrice).toBe("50000");
    expect(plan({ signal: open("short", limitNoPrice), referencePrice: "50000.005" }).orders[0]?.limitPrice).toBe("50000.01");
    expect(plan({ signal: open("long", limitNoPrice), config: limitDefault, referencePrice: "50000" }).orders[0]?.limitPrice).toBe("49950");
  });

  it("needs a reference price for an offset limit, but not for the signal's own price", () => {
    expect(plan({ signal: open("long"), config: limitDefault, referencePrice: null }).noop?.code).toBe("REFERENCE_PRICE_MISSING");
    expect(plan({ signal: open("long", { orderType: "limit", limitPrice: "100" }), referencePrice: null }).orders).toMatchObject([{ kind: "limit", limitPrice: "100" }]);
    // A market entry without a reference is the risk engine's to deny, not ours.
    expect(plan({ signal: open("long"), referencePrice: null }).orders).toMatchObject([{ kind: "market" }]);
  });

  it("sends exits at market, whatever the default order type, unless the signal names a limit price", () => {
    expect(plan({ signal: closeLong(), position: "0.5", config: limitDefault }).orders).toMatchObject([{ kind: "market" }]);
    expect(plan({ signal: closeLong(), position: "0.5", config: limitDefault }).orders[0]).not.toHaveProperty("limitPrice");
    const noPrice = plan({ signal: closeLong({ orderType: "limit" }), position: "0.5" });
    expect(noPrice.orders).toMatchObject([{ kind: "market" }]);
    expect(codes(noPrice)).toEqual(["EXIT_AT_MARKET"]);
  });

  it("refuses stop entries, but exits a stop close at market with a note", () => {
    const stop = { orderType: "stop", stopPrice: "48000" };
    const entry = plan({ signal: open("long", stop) });
    expect(entry).toMatchObject({ orders: [], noop: { code: "ORDER_TYPE_UNSUPPORTED" } });
    expect(entry.noop?.detail).toContain("stop entries are not supported");
    // A reversal with a stop entry is refused whole rather than half done.
    const reversal = plan({ signal: open("short", stop), position: "0.5" });
    expect(reversal).toMatchObject({ orders: [], notes: [], noop: { code: "ORDER_TYPE_UNSUPPORTED" } });
    const exit = plan({ signal: closeLong(stop), position: "0.5" });
    expect(exit.orders).toMatchObject([{ role: "exit", kind: "market" }]);
    expect(codes(exit)).toEqual(["EXIT_AT_MARKET"]);
  });
});

describe("stop-loss and take-profit", () => {
  const defaults = config({ defaultStopLossPercent: "2", defaultTakeProfitPercent: "3" });

  it("applies the strategy's percents from the reference price, rounded to the tick", () => {
    // 50000.37 × 0.98 = 49000.3626, × 1.03 = 51500.3811; short: × 1.02 = 51000.3774, × 0.97 = 48500.3589.
    expect(plan({ signal: open("long"), config: defaults, referencePrice: "50000.37" }).orders[0]).toMatchObject({
      stopLoss: { price: "49000.36" },
      takeProfit: { price: "51500.38" },
    });
    expect(plan({ signal: open("short"), config: defaults, referencePrice: "50000.37" }).orders[0]).toMatchObject({
      stopLoss: { price: "51000.38" },
      takeProfit: { price: "48500.36" },
    });
    // Perp ticks are 0.1: 49000.3626 → 49000.4.
    expect(plan({ signal: open("long", { symbol: "BTC/USDT:USDT" }), config: defaults, rules: PERP, referencePrice: "50000.37" }).orders[0]?.stopLoss).toEqual({
      price: "49000.4",
    });
  });

  it("prefers the signal's percent, measured from the limit price", () => {
    // 40000.01 × 0.985 = 39400.00985 → 39400.01; × 1.025 = 41000.01025 → 41000.01.
    const s = open("long", { orderType: "limit", limitPrice: "40000.01", stopLoss: { percent: "1.5" }, takeProfit: { percent: "2.5" } });
    expect(plan({ signal: s, config: defaults }).orders[0]).toMatchObject({ stopLoss: { price: "39400.01" }, takeProfit: { price: "41000.01" } });
  });

  it("rounds the signal's own price half-even to the tick and needs no reference for it", () => {
    const s = open("long", { stopLoss: { price: "49000.125" } });
    expect(plan({ signal: s }).orders[0]?.stopLoss).toEqual({ price: "49000.12" });
    expect(plan({ signal: s, referencePrice: null }).orders[0]?.stopLoss).toEqual({ price: "49000.12" });
  });

  it("needs a price to measure a percent from, and refuses a level on the wrong side of the entry", () => {
    expect(plan({ signal: open("long"), config: defaults, referencePrice: null }).noop?.code).toBe("REFERENCE_PRICE_MISSING");
    expect(plan({ signal: open("long", { stopLoss: { price: "51000" } }) }).noop?.code).toBe("PROTECTION_INVALID");
    expect(plan({ signal: open("short", { takeProfit: { price: "51000" } }) }).noop?.code).toBe("PROTECTION_INVALID");
  });

  it("attaches only to entries", () => {
    const p = plan({ signal: open("short"), position: "0.5", config: defaults });
    expect(p.orders[0]).not.toHaveProperty("stopLoss");
    expect(p.orders[0]).not.toHaveProperty("takeProfit");
    expect(p.orders[1]).toMatchObject({ role: "entry", stopLoss: { price: "51000" }, takeProfit: { price: "48500" } });
  });
});
