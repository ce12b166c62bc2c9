import { describe, expect, it } from "vitest";
import type { OrderSnapshot } from "../../src/db/repositories/order-snapshot-repository.js";
import { dec } from "../../src/domain/decimal.js";
import { AccountIncrements } from "../../src/execution/paper/account-increments.js";

const snapshot = (account: OrderSnapshot["account"], realizedToday = "-5", dayFlows: OrderSnapshot["dayFlows"] = []): OrderSnapshot => ({
  existingOrderId: null,
  account,
  openPositions: [],
  prices: new Map(),
  states: {},
  realizedToday,
  dayFlows,
  recentOrderTimes: [],
  restingSells: "0",
  restingBuys: "0",
});
const acc = { id: "acc_1", currency: "USDT", startingCash: "1000", cash: "1000.10", fees: "0.5" };
const at = new Date("2026-11-21T10:00:00Z");
/** A fill's increment: its cash and fee, realized PnL, and its units in `symbol` (its cost is −cash). */
const fill = (cash: string, fees: string, realized: string, symbol = "BTC/USDT", quantity = "0") => ({
  cash: dec(cash),
  fees: dec(fees),
  realized: dec(realized),
  at,
  symbol,
  quantity: dec(quantity),
});

describe("AccountIncrements", () => {
  it("shows a later read of the same transaction the sums exactly, for the account and its day only", () => {
    const sums = new AccountIncrements();
    sums.add("acc_1", "2026-11-21", fill("250.25", "0.25", "12.3", "BTC/USDT", "-0.005"));
    sums.add("acc_1", "2026-11-21", fill("-100.05", "0.1", "-0.3", "ETH/USDT", "0.03"));
    sums.add("acc_1", "2026-11-21", fill("-50", "0", "0", "BTC/USDT", "0.001"));
    sums.add("acc_2", "2026-11-21", fill("7", "1", "1"));
    const stored = [{ symbol: "BTC/USDT", quantity: "0.01", cost: "500" }];
    const seen = sums.applyTo(snapshot(acc, "-5", stored), "2026-11-21");
    expect(seen.account).toEqual({ ...acc, cash: "1100.3", fees: "0.85" });
    // Today's realized PnL net of fees: -5 + (12.3 - 0.3) - (0.25 + 0.1).
    expect(seen.realizedToday).toBe("6.65");
    // Per symbol, the stored flow plus this transaction's: 0.01 - 0.005 + 0.001 units costing 500 - 250.25 + 50.
    expect(seen.dayFlows).toEqual([
      { symbol: "BTC/USDT", quantity: "0.006", cost: "299.75" },
      { symbol: "ETH/USDT", quantity: "0.03", cost: "100.05" },
    ]);
    // Another day's figures are not moved by today's fills.
    expect(sums.applyTo(snapshot(acc, "-5", stored), "2026-11-22")).toMatchObject({ realizedToday: "-5", dayFlows: stored });
    expect(sums.applyTo(snapshot(null), "2026-11-21").account).toBeNull();
  });

  it("writes each day of an account in one statement, the first carrying the account's cash and fees, then holds nothing", async () => {
    const sums = new AccountIncrements();
    sums.add("acc_1", "2026-11-21", fill("-99.95", "0.1", "0", "BTC/USDT", "0.002"));
    sums.add("acc_1", "2026-11-21", fill("199.7", "0.0999", "-0.1", "BTC/USDT", "-0.004"));
    sums.add("acc_1", "2026-11-22", fill("3", "0.01", "0.5", "ETH/USDT", "-0.001"));
    const sent: Array<{ text: string; params: unknown[] }> = [];
    const query = async (text: string, params: readonly unknown[]) => {
      sent.push({ text, params: [...params] });
      return [];
    };
    await Promise.all(sums.takeWrites().map((write) => write(query as never)));
    expect(sent).toHaveLength(2);
    expect(sent[0]?.text).toMatch(/update accounts[\s\S]*insert into account_daily_flows[\s\S]*insert into account_daily_pnl/);
    const [first, second] = sent.map((s) => s.params);
    // accountId, cash, fees, at, day, realized, flows (JSON), the day's fees.
    expect(first).toEqual(["acc_1", "102.75", "0.2099", at.toISOString(), "2026-11-21", "-0.1", expect.any(String), "0.1999"]);
    expect(JSON.parse(first?.[6] as string)).toEqual([{ symbol: "BTC/USDT", quantity: "-0.002", cost: "-99.75" }]);
    expect(second).toEqual(["acc_1", null, "0", at.toISOString(), "2026-11-22", "0.5", expect.any(String), "0.01"]);
    expect(JSON.parse(second?.[6] as string)).toEqual([{ symbol: "ETH/USDT", quantity: "-0.001", cost: "-3" }]);
    expect(sums.takeWrites()).toHaveLength(0);
    expect(sums.applyTo(snapshot(acc), "2026-11-21")).toEqual(snapshot(acc));
  });
});
