import { describe, expect, it } from "vitest";
import type { OrderSnapshot } from "../../src/db/repositories/order-snapshot-repository.js";
import { dec } from "../../src/domain/decimal.js";
import { AccountIncrements } from "../../src/execution/paper/account-increments.js";

const snapshot = (account: OrderSnapshot["account"], realizedToday = "-5"): OrderSnapshot => ({
  existingOrderId: null,
  account,
  openPositions: [],
  prices: new Map(),
  states: {},
  realizedToday,
  recentOrderTimes: [],
});
const acc = { id: "acc_1", currency: "USDT", startingCash: "1000", cash: "1000.10", fees: "0.5" };
const at = new Date("2026-11-21T10:00:00Z");

describe("AccountIncrements", () => {
  it("shows a later read of the same transaction the sums exactly, for the account and its day only", () => {
    const sums = new AccountIncrements();
    sums.add("acc_1", "2026-11-21", { cash: dec("250.25"), fees: dec("0.25"), realized: dec("12.3"), at });
    sums.add("acc_1", "2026-11-21", { cash: dec("-100.05"), fees: dec("0.1"), realized: dec("-0.3"), at });
    sums.add("acc_2", "2026-11-21", { cash: dec("7"), fees: dec("1"), realized: dec("1"), at });
    const seen = sums.applyTo(snapshot(acc), "2026-11-21");
    expect(seen.account).toEqual({ ...acc, cash: "1150.3", fees: "0.85" });
    // Today's realized PnL net of fees: -5 + (12.3 - 0.3) - (0.25 + 0.1).
    expect(seen.realizedToday).toBe("6.65");
    // Another day's figure is not moved by today's fills.
    expect(sums.applyTo(snapshot(acc), "2026-11-22").realizedToday).toBe("-5");
    expect(sums.applyTo(snapshot(null), "2026-11-21").account).toBeNull();
  });

  it("hands out one write per account and per day, then holds nothing", async () => {
    const sums = new AccountIncrements();
    sums.add("acc_1", "2026-11-21", { cash: dec("1"), fees: dec("0"), realized: dec("0"), at });
    sums.add("acc_1", "2026-11-21", { cash: dec("2"), fees: dec("0"), realized: dec("0"), at });
    sums.add("acc_1", "2026-11-22", { cash: dec("3"), fees: dec("0"), realized: dec("0"), at });
    const sent: unknown[][] = [];
    const query = async (_text: string, params: readonly unknown[]) => {
      sent.push([...params]);
      return [];
    };
    await Promise.all(sums.takeWrites().map((write) => write(query as never)));
    expect(sent).toEqual([
      ["acc_1", "6", "0", at.toISOString()],
      ["acc_1", "2026-11-21", "0", "0"],
      ["acc_1", "2026-11-22", "0", "0"],
    ]);
    expect(sums.takeWrites()).toHaveLength(0);
    expect(sums.applyTo(snapshot(acc), "2026-11-21")).toEqual(snapshot(acc));
  });

  it("writes an account and its one day in a single statement, with the day's realized PnL and the shared fees", async () => {
    const sums = new AccountIncrements();
    sums.add("acc_1", "2026-11-21", { cash: dec("-99.95"), fees: dec("0.1"), realized: dec("0"), at });
    sums.add("acc_1", "2026-11-21", { cash: dec("199.7"), fees: dec("0.0999"), realized: dec("-0.1"), at });
    const sent: Array<{ text: string; params: unknown[] }> = [];
    const query = async (text: string, params: readonly unknown[]) => {
      sent.push({ text, params: [...params] });
      return [];
    };
    await Promise.all(sums.takeWrites().map((write) => write(query as never)));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toMatch(/update accounts[\s\S]*insert into account_daily_pnl/);
    expect(sent[0]?.params).toEqual(["acc_1", "99.75", "0.1999", at.toISOString(), "2026-11-21", "-0.1"]);
  });
});
