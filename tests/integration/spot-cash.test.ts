import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { openPositionOf, ordersOf, placeOrder, setPrice, tradingStrategy } from "../helpers/manual-trading.js";
import type { CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert } from "../helpers/trading.js";

/**
 * A spot buy pays from the account's cash: over HTTP, on a paper account of 1 000 USDT with a 10 bp
 * taker fee and 20 bp of slippage, so every figure below is worked out by hand. The caps that would cut the
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
  it("cuts an alert's spot buy to what the cash pays for, with slippage and fee; with no cash left, denies it and nothing reaches the venue", async () => {
    const s = await tradingStrategy(t, NO_CAPS);
    // 4 990 DOGE × 0.2 × 1.002 (slippage) × 1.001 (the higher fee) = 1 000.995996: more than the 1 000.
    // 1 000 / (0.2004 × 1.001) = 4 985.03…: 4 985 fit, on DOGE's step of 1.
    const cut = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "buy", quantity: "4990", price: "0.2" });
    expect(cut.result).toMatchObject({ outcome: "EXECUTED" });
    expect(cut.trace.decisions).toMatchObject([{ outcome: "resized", reason: "SPOT_BUY_EXCEEDS_CASH", limit: "cash=1000" }]);
    // Filled at 0.2004 as a taker: 998.994 paid and 0.998994 of fee, so cash stays above zero.
    expect(cut.trace.orders).toMatchObject([{ side: "buy", quantity: "4985", status: "filled", averageFillPrice: "0.2004" }]);
    expect(await cash()).toEqual({ cash: "0.007006", fees: "0.998994" });

    // Even the 25 DOGE of the market's 5 USDT minimum cost more than the cash left: another strategy's buy on the account is denied,
    // and the venue sees nothing.
    const before = await cash();
    const other = await tradingStrategy(t, NO_CAPS);
    const broke = await sendAlert(t, other, { ticker: "DOGEUSDT", action: "buy", quantity: "100", price: "0.2" });
    expect(broke.result).toMatchObject({ outcome: "DENIED", legs: [{ outcome: "denied", reason: "SPOT_BUY_EXCEEDS_CASH" }] });
    expect(broke.trace.decisions).toMatchObject([{ outcome: "denied", reason: "SPOT_BUY_EXCEEDS_CASH", limit: "cash=0.007006", orderId: null }]);
    expect(broke.trace.orders).toEqual([]);
    expect(await cash()).toEqual(before);
    // Selling gives the cash back; the next test starts from what is left.
    const sold = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "exit_long", price: "0.2" });
    expect(sold.result).toMatchObject({ outcome: "EXECUTED" });
  });

  it("keeps back what a resting limit buy may still spend, as an exchange locks it, until it is cancelled", async () => {
    const s = await tradingStrategy(t, NO_CAPS);
    const { cash: free } = await cash();
    // A limit buy below the market rests: 100 XRP at 2.4 may spend 240, and 240.24 with the fee.
    const resting = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: "100", limitPrice: "2.4" });
    expect(resting.body.order).toMatchObject({ status: "submitted" });
    const left = Number(free) - 240.24;
    // A limit buy above the market fills at once (at 2.505, the slipped price), but is charged at its
    // limit when it is judged: 2.6 × 1.001 = 2.6026 per XRP, so it is cut to the most that fits on
    // XRP's step of 0.1.
    const over = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: "400", limitPrice: "2.6" });
    expect(over.body.decision).toMatchObject({ outcome: "resized", reason: "SPOT_BUY_EXCEEDS_CASH" });
    expect(Number(over.body.decision.limit.replace("cash=", ""))).toBeCloseTo(left, 9);
    const fits = Number(over.body.order.quantity);
    expect(fits * 2.6026).toBeLessThanOrEqual(left);
    expect((fits + 0.1) * 2.6026).toBeGreaterThan(left);
    expect(over.body.order).toMatchObject({ status: "filled", filledQuantity: over.body.order.quantity });
    expect(await openPositionOf(t, s, "XRP/USDT")).toMatchObject({ quantity: over.body.order.quantity });
    // 90 more (234.234 at the limit) do not fit beside the resting buy: cut well below 90.
    const held = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: "90", limitPrice: "2.6" });
    expect(held.body.decision).toMatchObject({ outcome: "resized", reason: "SPOT_BUY_EXCEEDS_CASH" });
    expect(Number(held.body.order.quantity)).toBeLessThan(20);
    // Cancelled, the resting buy frees its cash again: 90 fit in full.
    const cancelled = await t.http.post(`/v1/orders/${resting.body.order.id}/cancel`).set(t.auth());
    expect(cancelled.status).toBe(200);
    const after = await placeOrder(t, { strategy: s.key, symbol: "XRP/USDT", side: "buy", kind: "limit", quantity: "90", limitPrice: "2.6" });
    expect(after.body.decision).toMatchObject({ outcome: "approved" });
    expect(after.body.order).toMatchObject({ status: "filled", filledQuantity: "90" });
    expect((await ordersOf(t, s)).filter((o) => o.status === "filled")).toHaveLength(3);
    expect(Number((await cash()).cash)).toBeGreaterThanOrEqual(0);
  });
});
