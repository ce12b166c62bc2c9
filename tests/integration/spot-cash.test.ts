import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { openPositionOf, ordersOf, placeOrder, setPrice, tradingStrategy } from "../helpers/manual-trading.js";
import type { CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert } from "../helpers/trading.js";

/**
 * A spot buy pays from the account's cash: over HTTP, on a paper account of 1 000 USDT with a 10 bp
 * fee and 20 bp of slippage, so every figure below is worked out by hand. The caps that would cut the
 * buys first (order notional, position, leverage) are off: the cash is what is tested.
 */
const NO_CAPS = { maxOrderNotional: null, maxPositionNotionalPerSymbol: null, maxLeverage: null };

let t: TestApp;
let pricer: CreatedStrategy;
beforeAll(async () => {
  t = await startTestApp({ PAPER_STARTING_CASH: "1000", PAPER_SLIPPAGE_BPS: "20", PAPER_TAKER_FEE_BPS: "10", PAPER_MAKER_FEE_BPS: "5" });
  pricer = await tradingStrategy(t);
  await setPrice(t, pricer, "DOGEUSDT", "0.2");
  await setPrice(t, pricer, "XRPUSDT", "2.5");
});
afterAll(() => t.close());

async function cash(): Promise<{ cash: string; fees: string }> {
  const res = await t.http.get("/v1/accounts").set(t.auth());
  expect(res.status).toBe(200);
  const account = res.body.data.find((a: { id: string }) => a.id === "acc_paper");
  return { cash: account.cash, fees: account.fees };
}

describe("spot buys and the account's cash", () => {
  it("denies an alert's spot buy that would cost more than the cash, with slippage and fee, and nothing reaches the venue", async () => {
    const s = await tradingStrategy(t, NO_CAPS);
    const before = await cash();
    // 4 980 DOGE × 0.2 × 1.002 (slippage) = 997.992, and × 1.001 (the higher fee) = 998.989992: fits in 1 000.
    // 4 990 DOGE: 999.996 × 1.001 = 1 000.995996: does not.
    const over = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "buy", quantity: "4990", price: "0.2" });
    expect(over.result).toMatchObject({ outcome: "DENIED", legs: [{ outcome: "denied", reason: "SPOT_BUY_EXCEEDS_CASH" }] });
    expect(over.trace.decisions).toMatchObject([{ outcome: "denied", reason: "SPOT_BUY_EXCEEDS_CASH", limit: "cash=1000", orderId: null }]);
    expect(over.trace.orders).toEqual([]);
    expect(await cash()).toEqual(before);

    const within = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "buy", quantity: "4980", price: "0.2" });
    expect(within.result).toMatchObject({ outcome: "EXECUTED" });
    // Filled at 0.2004 as a taker: 997.992 paid and 0.997992 of fee, so cash stays above zero.
    expect(within.trace.orders).toMatchObject([{ side: "buy", quantity: "4980", status: "filled", averageFillPrice: "0.2004" }]);
    expect(await cash()).toEqual({ cash: "1.010008", fees: "0.997992" });
    // Selling gives the cash back; the next test starts from what is left.
    const sold = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "exit_long", price: "0.2" });
    expect(sold.result).toMatchObject({ outcome: "EXECUTED" });
  });

  it("keeps back what a resting limit buy may still spend, as an exchange locks it", async () => {
    const s = await tradingStrategy(t, NO_CAPS);
    const { cash: free } = await cash();
    // A limit buy below the market rests: 100 XRP at 2.4 may spend 240, and 240.24 with the fee.
    const resting = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: "100", limitPrice: "2.4" });
    expect(resting.body.order).toMatchObject({ status: "submitted" });
    const left = Number(free) - 240.24;
    // A limit buy above the market fills at once (at 2.505, the slipped price), but is charged at its
    // limit when it is judged: 2.6 × 1.001 per XRP, so the most that fits is floor(left / 2.6026).
    const fits = Math.floor(left / 2.6026);
    const over = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: String(fits + 1), limitPrice: "2.6" });
    expect(over.body).toMatchObject({ order: null, decision: { outcome: "denied", reason: "SPOT_BUY_EXCEEDS_CASH" } });
    expect(Number(over.body.decision.limit.replace("cash=", ""))).toBeCloseTo(left, 9);
    const within = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: String(fits), limitPrice: "2.6" });
    expect(within.body.order).toMatchObject({ status: "filled", filledQuantity: String(fits) });
    expect(await openPositionOf(t, s, "XRP/USDT")).toMatchObject({ quantity: String(fits) });
    // 90 more (234.234 at the limit) fit only once the resting buy is cancelled and its cash is free again.
    const held = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: "90", limitPrice: "2.6" });
    expect(held.body.decision).toMatchObject({ outcome: "denied", reason: "SPOT_BUY_EXCEEDS_CASH" });
    const cancelled = await t.http.post(`/v1/orders/${resting.body.order.id}/cancel`).set(t.auth());
    expect(cancelled.status).toBe(200);
    const after = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: "90", limitPrice: "2.6" });
    expect(after.body.order).toMatchObject({ status: "filled" });
    expect((await ordersOf(t, s)).filter((o) => o.status === "filled")).toHaveLength(2);
    expect(Number((await cash()).cash)).toBeGreaterThanOrEqual(0);
  });
});
