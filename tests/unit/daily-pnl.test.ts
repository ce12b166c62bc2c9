import { describe, expect, it } from "vitest";
import { pnlSinceMidnight, type MarkNow } from "../../src/risk/daily-pnl.js";

const marks = (entries: Record<string, [string, string | null]>): Map<string, MarkNow> =>
  new Map(Object.entries(entries).map(([symbol, [price, dayOpen]]) => [symbol, { price, dayOpen }]));
const held = (symbol: string, quantity: string, contractSize = "1") => ({ symbol, quantity, contractSize });
const pnl = (...args: Parameters<typeof pnlSinceMidnight>) => {
  const result = pnlSinceMidnight(...args);
  if (!result.ok) throw new Error(`no price for ${result.symbol}`);
  return result.pnl.toFixed();
};

describe("PnL since 00:00 UTC", () => {
  it("values a position held overnight from its midnight mark, whatever its entry", () => {
    expect(pnl([held("SOL/USDT", "10")], [], marks({ "SOL/USDT": ["140", "200"] }))).toBe("-600");
    expect(pnl([held("SOL/USDT", "-10")], [], marks({ "SOL/USDT": ["140", "200"] }))).toBe("600");
  });

  it("values today's fills from their own prices and fees: the position opened today gains what it gained since", () => {
    // Bought 2 at 100 today (cost 200 + 0.2 fee); the midnight mark plays no part.
    const flows = [{ symbol: "ETH/USDT", quantity: "2", cost: "200.2" }];
    expect(pnl([held("ETH/USDT", "2")], flows, marks({ "ETH/USDT": ["110", "90"] }))).toBe("19.8");
  });

  it("counts a position closed today from the midnight mark to the sale, with the fee", () => {
    // Held 1000 at midnight (mark 1.5), sold them today at 0.97 with a 0.97 fee: cost −970 + 0.97.
    const flows = [{ symbol: "DOGE/USDT", quantity: "-1000", cost: "-969.03" }];
    expect(pnl([], flows, marks({ "DOGE/USDT": ["0.97", "1.5"] }))).toBe("-530.97");
  });

  it("adds to an overnight position: the old part from the mark, the new part from its fill", () => {
    // 1 held at midnight (mark 100), 1 more bought today at 120; now 130.
    const flows = [{ symbol: "BTC/USDT", quantity: "1", cost: "120" }];
    expect(pnl([held("BTC/USDT", "2")], flows, marks({ "BTC/USDT": ["130", "100"] }))).toBe("40");
  });

  it("applies the contract size and nets the account's strategies per symbol", () => {
    const positions = [held("BTC/USDT:USDT", "30", "0.001"), held("BTC/USDT:USDT", "-10", "0.001")];
    expect(pnl(positions, [], marks({ "BTC/USDT:USDT": ["50000", "51000"] }))).toBe("-20");
  });

  it("starts the day at the last price when no price from before midnight is known", () => {
    expect(pnl([held("ADA/USDT", "100")], [], marks({ "ADA/USDT": ["1.2", null] }))).toBe("0");
  });

  it("refuses to measure a symbol held at midnight that has no price at all", () => {
    expect(pnlSinceMidnight([], [{ symbol: "XRP/USDT", quantity: "-5", cost: "-10" }], new Map())).toEqual({ ok: false, symbol: "XRP/USDT" });
    // Bought and sold today, flat at midnight and now: its cost is all there is to it.
    expect(pnl([], [{ symbol: "XRP/USDT", quantity: "0", cost: "0.3" }], new Map())).toBe("-0.3");
  });
});
