import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert, type ProcessedSignal } from "../helpers/trading.js";

/**
 * Two ways a position could end larger than, or opposite to, what the trader allowed: a reduce-only
 * stop sized for a position that has since shrunk, and sized entries under maxPositionPerSymbol.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "0", PAPER_MAKER_FEE_BPS: "0" });
});
afterAll(() => t.close());

const strategy = (config: Record<string, unknown> = {}) =>
  createStrategy(t, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null }, ...config });

type Position = { symbol: string; quantity: string; status: string };
const positionsOf = async (s: CreatedStrategy, status: "open" | "closed"): Promise<Position[]> => {
  const res = await t.http.get("/v1/positions").query({ strategy: s.id, status }).set(t.auth());
  expect(res.status).toBe(200);
  return res.body.data as Position[];
};
const ordersOf = (signal: ProcessedSignal) => Object.fromEntries(signal.trace.orders.map((o) => [o.role, o]));

describe("a reduce-only stop-loss on the paper venue", () => {
  it("closes only what is left of a position a signal has halved, and never opens the other side", async () => {
    const s = await strategy();
    const entry = await sendAlert(t, s, { ticker: "SOLUSDT", action: "buy", quantity: "1", price: "200", sl: "190" });
    expect(ordersOf(entry).stop_loss).toMatchObject({ quantity: "1", status: "submitted" });
    const exit = await sendAlert(t, s, { ticker: "SOLUSDT", action: "close", quantity: "0.5", price: "200" });
    expect(exit.result).toMatchObject({ outcome: "EXECUTED" });
    expect(await positionsOf(s, "open")).toMatchObject([{ symbol: "SOL/USDT", quantity: "0.5" }]);

    // Another strategy's alert at 189 is a price event for SOL/USDT: the stop (sized 1) triggers.
    await sendAlert(t, await strategy(), { ticker: "SOLUSDT", action: "buy", quantity: "0.01", price: "189" });
    const after = (await t.http.get(`/v1/signals/${entry.id}`).set(t.auth())).body as ProcessedSignal;
    expect(ordersOf(after).stop_loss).toMatchObject({ status: "cancelled", filledQuantity: "0.5", fills: [{ quantity: "0.5", price: "189" }] });
    expect(await positionsOf(s, "open")).toEqual([]);
    expect(await positionsOf(s, "closed")).toMatchObject([{ symbol: "SOL/USDT", quantity: "0" }]);
  });

  it("fills only what is held when one price event crosses two targets that cannot both reduce", async () => {
    const s = await strategy({ pyramiding: true });
    await sendAlert(t, s, { ticker: "ADAUSDT", action: "buy", quantity: "100", price: "1", tp: "1.2" });
    await sendAlert(t, s, { ticker: "ADAUSDT", action: "buy", quantity: "100", price: "1", tp: "1.1" });
    await sendAlert(t, s, { ticker: "ADAUSDT", action: "close", quantity: "150", price: "1" });
    expect(await positionsOf(s, "open")).toMatchObject([{ quantity: "50" }]);
    // 1.3 crosses both take-profits (100 each): only the 50 still held may be sold.
    await sendAlert(t, await strategy(), { ticker: "ADAUSDT", action: "buy", quantity: "10", price: "1.3" });
    expect(await positionsOf(s, "open")).toEqual([]);
    expect(await positionsOf(s, "closed")).toMatchObject([{ quantity: "0" }]);
  });
});

describe("maxPositionPerSymbol with a sizing policy", () => {
  it("cuts a sized entry to the room left, then refuses the next one with MAX_POSITION_REACHED", async () => {
    const s = await strategy({ maxPositionPerSymbol: "150", pyramiding: true, sizing: { type: "fixed_base", quantity: "100" } });
    const first = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", price: "2.5" });
    expect(ordersOf(first).entry).toMatchObject({ quantity: "100", status: "filled" });

    const second = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", price: "2.5" });
    expect(ordersOf(second).entry).toMatchObject({ quantity: "50", status: "filled" });
    expect(second.result.notes).toEqual(expect.arrayContaining([expect.objectContaining({ code: "MAX_POSITION_CAPPED" })]));
    expect(await positionsOf(s, "open")).toMatchObject([{ quantity: "150" }]);

    const third = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", price: "2.5" });
    expect(third.result).toMatchObject({ outcome: "NO_ACTION", reason: "MAX_POSITION_REACHED" });
    expect(third.trace.orders).toEqual([]);
    expect(await positionsOf(s, "open")).toMatchObject([{ quantity: "150" }]);
  });

  it("caps the entry of a reversal at the maximum, measured from flat", async () => {
    // On the SOL perpetual (SOL/USDT:USDT): the reversal's entry is a short, and spot cannot go short
    // (SPOT_SELL_EXCEEDS_HOLDINGS); DOGE, used before, has no perpetual on the paper venue. 20, 30 and
    // 100 are whole amount steps (0.01) there and 1 a whole price step (0.001); at 1 USDT every
    // notional is what it was on DOGE (20, 30, 100 USDT), so maxPositionPerSymbol is still the only
    // limit that binds: the entry is sized 100, cut to 30 measured from flat, not to 30 + 20.
    const s = await strategy({ maxPositionPerSymbol: "30", sizing: { type: "fixed_base", quantity: "100" } });
    await sendAlert(t, s, { ticker: "SOLUSDT.P", action: "buy", quantity: "20", price: "1" });
    const reversal = await sendAlert(t, s, { ticker: "SOLUSDT.P", action: "sell", price: "1" });
    expect(reversal.trace.orders.map((o) => [o.role, o.side, o.quantity])).toEqual([
      ["exit", "sell", "20"],
      ["entry", "sell", "30"],
    ]);
    expect(await positionsOf(s, "open")).toMatchObject([{ symbol: "SOL/USDT:USDT", quantity: "-30" }]);
  });
});
