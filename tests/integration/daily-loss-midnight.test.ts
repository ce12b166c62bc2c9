import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { OffsetClock, sendAlert, startTestAppWithClock } from "../helpers/trading.js";

/**
 * The daily loss counts from 00:00 UTC (realized + unrealized since then), not from each position's
 * entry: a position held overnight is worth its midnight mark at the start of the day. Each case has
 * an account of its own (the risk engine may move one to REDUCING) and a symbol of its own (marks
 * are per symbol); a signal of a strategy already long with pyramiding off moves the mark and trades nothing.
 */
const ENV = { PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "10", PAPER_MAKER_FEE_BPS: "10", WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0", WEBHOOK_RATE_LIMIT_PER_TOKEN: "0" };
/** Only the daily loss limit: the others would resize or refuse the orders these cases need. */
const LIMITS = {
  maxOrderNotional: null,
  maxPositionNotionalPerSymbol: null,
  maxOpenPositions: null,
  maxGrossExposureMultiple: null,
  maxOrdersPerMinute: null,
  maxDailyLossPercent: "5",
};

const clock = new OffsetClock();
let t: TestApp;

/** Past the next 00:00 UTC on the gateway's clock, by an hour. */
function toNextDay(): void {
  const now = clock.now().getTime();
  const midnight = Math.floor(now / 86_400_000 + 1) * 86_400_000;
  clock.advance(midnight - now + 3_600_000);
}

async function strategyOnAccount(id: string): Promise<CreatedStrategy> {
  const res = await t.http.post("/v1/accounts").set(t.auth()).send({ id, name: id, startingCash: "10000" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return createStrategy(t, { accountId: id, riskLimits: LIMITS });
}

async function markTo(s: CreatedStrategy, ticker: string, price: string): Promise<void> {
  const done = await sendAlert(t, s, { ticker, action: "buy", quantity: "1", price });
  expect(done.result, JSON.stringify(done.result)).toMatchObject({ outcome: "NO_ACTION", reason: "PYRAMIDING_OFF" });
}

async function equityOf(accountId: string): Promise<string> {
  const res = await t.http.get("/v1/accounts").set(t.auth());
  const account = (res.body.data as Array<{ id: string; equity: string }>).find((a) => a.id === accountId);
  return account?.equity ?? "";
}

beforeAll(async () => {
  t = await startTestAppWithClock(clock, ENV);
});
afterAll(() => t.close());

describe("the daily loss limit counts from 00:00 UTC", () => {
  it("a position's gain before midnight does not hide the loss since: the next entry is denied", async () => {
    const s = await strategyOnAccount("day-gain");
    const bought = await sendAlert(t, s, { ticker: "SOLUSDT", action: "buy", quantity: "10", price: "100" });
    expect(bought.result).toMatchObject({ outcome: "EXECUTED" });
    await markTo(s, "SOLUSDT", "200");
    // 10 000 − 1 fee + 10 × (200 − 100).
    expect(await equityOf("day-gain")).toBe("10999");

    toNextDay();
    // Down 600 since midnight (5.5 % of 10 999), still up 400 since the entry.
    await markTo(s, "SOLUSDT", "140");
    const next = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", quantity: "10", price: "2.5" });
    expect(next.result, JSON.stringify(next.result)).toMatchObject({ outcome: "DENIED" });
    expect(next.trace.decisions).toMatchObject([{ outcome: "denied", reason: "DAILY_LOSS_LIMIT", limit: "maxDailyLossPercent=5", orderId: null }]);
    // The check says what it measured: 600 down since midnight, against the 10 999 of midnight.
    expect(JSON.stringify(next.trace.decisions[0]?.checks)).toContain("daily loss 600 is 5.455% of 10999");
  });

  it("a loss before midnight is not counted again the next day: the next entry goes through", async () => {
    const s = await strategyOnAccount("day-loss");
    const bought = await sendAlert(t, s, { ticker: "ETHUSDT", action: "buy", quantity: "1", price: "3000" });
    expect(bought.result).toMatchObject({ outcome: "EXECUTED" });
    // Down 603 (6 % with the fee) on the day it was bought; nothing is ordered that day after it.
    await markTo(s, "ETHUSDT", "2400");

    toNextDay();
    // Down 10 since midnight, 610 since the entry.
    await markTo(s, "ETHUSDT", "2390");
    const next = await sendAlert(t, s, { ticker: "ADAUSDT", action: "buy", quantity: "10", price: "1" });
    expect(next.result, JSON.stringify(next.result)).toMatchObject({ outcome: "EXECUTED" });
    expect(next.trace.decisions).toMatchObject([{ outcome: "approved" }]);
  });

  it("counts a position closed today from its midnight mark, not from its entry, with today's fee", async () => {
    const s = await strategyOnAccount("day-close");
    await sendAlert(t, s, { ticker: "DOGEUSDT", action: "buy", quantity: "1000", price: "1" });
    await markTo(s, "DOGEUSDT", "1.5");
    expect(await equityOf("day-close")).toBe("10499");

    toNextDay();
    // Sold at 0.97: 30 below the entry, 530 below the midnight mark. The exit is let through (it
    // reduces), and its check moves the account to REDUCING, so the next entry is refused.
    const sold = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "exit_long", price: "0.97" });
    expect(sold.result, JSON.stringify(sold.result)).toMatchObject({ outcome: "EXECUTED" });
    expect(sold.trace.positions).toMatchObject([{ status: "closed", realizedPnl: "-30" }]);
    expect(JSON.stringify(sold.trace.decisions[0]?.checks)).toContain("daily loss 530 is 5.0481% of 10499");
    const state = await t.http.get("/v1/accounts/day-close/trading-state").set(t.auth());
    expect(state.body).toMatchObject({ state: "REDUCING", reason: "DAILY_LOSS_LIMIT" });
    const next = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", quantity: "10", price: "2.5" });
    expect(next.trace.decisions).toMatchObject([{ outcome: "denied", reason: "TRADING_REDUCING" }]);
  });
});
