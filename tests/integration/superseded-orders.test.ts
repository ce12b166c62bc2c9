import { afterAll, beforeAll, describe, expect, it } from "vitest";
// First: the harness loads the app, which extends zod with .openapi before any schema is built.
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { OffsetClock, sendAlert, waitProcessed, type ProcessedSignal } from "../helpers/trading.js";

/**
 * Orders that outlive what they were sent for, on the paper venue: an earlier signal's resting
 * entry that a later close or reversal supersedes (invariant 3: the lane ends where its last signal
 * said), and a limit exit left working after a stop closed its position. Every test trades its own
 * symbol, so one test's prices never cross another's resting orders.
 */
const OPEN_LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null };

let t: TestApp;
const clock = new OffsetClock();
beforeAll(async () => {
  // The fallback sweep only runs when a test asks, so a test sees what one sweep does.
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", LIMIT_FALLBACK_SWEEP_MS: "0" }, { clock });
});
afterAll(() => t.close());

const marketStrategy = () => createStrategy(t, { riskLimits: OPEN_LIMITS });

/** Another strategy's alert: a price event for the symbol that crosses whatever rests there. */
async function priceOf(ticker: string, price: string): Promise<void> {
  await sendAlert(t, await marketStrategy(), { ticker, action: "exit_long", price });
}

async function order(id: string): Promise<Record<string, unknown>> {
  const res = await t.http.get(`/v1/orders/${id}`).set(t.auth());
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

async function positions(s: CreatedStrategy): Promise<Array<[string, string]>> {
  const res = await t.http.get(`/v1/positions?strategy=${s.id}`).set(t.auth());
  expect(res.status).toBe(200);
  const open = (res.body.data as Array<{ symbol: string; quantity: string; status: string }>).filter((p) => p.status === "open");
  return open.map((p) => [p.symbol, p.quantity]);
}

const notesOf = (signal: ProcessedSignal) => (signal.result.notes ?? []) as Array<{ code: string; detail: string }>;

describe("a signal that supersedes the lane's resting entry", () => {
  it("close: cancels the earlier limit entry, so neither a crossing price nor the limit fallback opens it", async () => {
    const s = await createStrategy(t, {
      defaultOrderType: { type: "limit", offsetBps: "100" },
      limitFallback: { afterSeconds: 30, to: "market" },
      riskLimits: OPEN_LIMITS,
    });
    const entry = await sendAlert(t, s, { ticker: "XRPUSDT", action: "buy", quantity: "100", price: "2.5" });
    expect(entry.trace.orders).toMatchObject([{ role: "entry", kind: "limit", limitPrice: "2.475", status: "submitted" }]);
    const entryId = entry.trace.orders[0]!.id;

    const close = await sendAlert(t, s, { ticker: "XRPUSDT", action: "exit_long", price: "2.5" });
    expect(close.result).toMatchObject({ outcome: "NO_ACTION", reason: "NO_POSITION_TO_CLOSE" });
    expect(notesOf(close)).toMatchObject([{ code: "ENTRY_ORDER_CANCELLED_BY_SIGNAL" }]);
    expect(notesOf(close)[0]!.detail).toContain(entryId);
    expect(await order(entryId)).toMatchObject({ status: "cancelled", rejectReason: "ENTRY_ORDER_CANCELLED_BY_SIGNAL" });

    clock.advance(31_000);
    expect((await t.services.limitFallback.sweepOnce()).filter((r) => r.orderId === entryId)).toEqual([]);
    await priceOf("XRPUSDT", "2.47");
    expect(await positions(s)).toEqual([]);
  });

  it.each([
    ["an open of the other side", "sell"],
    ["a reverse", "reverse_short"],
  ])("%s: cancels the resting buy entry, so it never nets against the new short", async (_, action) => {
    // On the ETH perpetual (ETH/USDT:USDT), which no other test here trades: the new position is a
    // short, which a spot market refuses (SPOT_SELL_EXCEEDS_HOLDINGS). 0.1 ETH is on its 0.001 step and
    // worth 400 at 4000 (above the 5 minimum cost); the buy limit at 3960 rests below 4000, and 3950
    // crosses it, so had the entry not been cancelled it would fill there and net the short to flat.
    const s = await marketStrategy();
    const entry = await sendAlert(t, s, { ticker: "ETHUSDT.P", action: "buy", type: "limit", limit_price: "3960", quantity: "0.1", price: "4000" });
    expect(entry.trace.orders, JSON.stringify(entry.result)).toMatchObject([{ kind: "limit", status: "submitted" }]);
    const entryId = entry.trace.orders[0]!.id;

    const short = await sendAlert(t, s, { ticker: "ETHUSDT.P", action, quantity: "0.1", price: "4000" });
    expect(short.result).toMatchObject({ outcome: "EXECUTED" });
    expect(notesOf(short)).toMatchObject([{ code: "ENTRY_ORDER_CANCELLED_BY_SIGNAL" }]);
    expect(await order(entryId)).toMatchObject({ status: "cancelled" });

    await priceOf("ETHUSDT.P", "3950");
    expect(await positions(s)).toEqual([["ETH/USDT:USDT", "-0.1"]]);
    // Flat again for the next case: the lane's short is closed.
    await sendAlert(t, s, { ticker: "ETHUSDT.P", action: "exit_short", price: "3950" });
  });

  it("a same-side open (pyramiding) leaves the resting entry working", async () => {
    const s = await marketStrategy();
    const entry = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "buy", type: "limit", limit_price: "0.196", quantity: "1000", price: "0.2" });
    const entryId = entry.trace.orders[0]!.id;
    const more = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "buy", quantity: "1000", price: "0.2" });
    expect(more.result).toMatchObject({ outcome: "EXECUTED" });
    expect(notesOf(more).map((n) => n.code)).not.toContain("ENTRY_ORDER_CANCELLED_BY_SIGNAL");
    expect(await order(entryId)).toMatchObject({ status: "submitted" });
  });
});

describe("a position closed by its stop", () => {
  it("takes the signal's resting limit exit with it, so the exit never closes the next position", async () => {
    const s = await createStrategy(t, { defaultOrderType: { type: "limit", offsetBps: "100" }, defaultStopLossPercent: "5", riskLimits: OPEN_LIMITS });
    const sig = (body: Record<string, unknown>) => sendAlert(t, s, { ticker: "SOLUSDT", quantity: "1", ...body });
    await sig({ action: "buy", price: "150" }); // a limit entry at 148.5
    await priceOf("SOLUSDT", "148"); // fills; its stop-loss rests at 141.07
    const exit = await sig({ action: "exit_long", price: "150", limit_price: "152" });
    expect(exit.trace.orders).toMatchObject([{ role: "exit", kind: "limit", limitPrice: "152", status: "submitted" }]);
    const exitId = exit.trace.orders[0]!.id;

    await priceOf("SOLUSDT", "140"); // the stop-loss closes the position
    expect(await order(exitId)).toMatchObject({ status: "cancelled" });

    await sig({ action: "buy", price: "140" });
    await priceOf("SOLUSDT", "138"); // a new long
    await priceOf("SOLUSDT", "153"); // through the old exit's limit
    expect(await positions(s)).toEqual([["SOL/USDT", "1"]]);
    expect(await order(exitId)).toMatchObject({ status: "cancelled", filledQuantity: "0" });
    expect((await waitProcessed(t, exit.id)).trace.orders[0]).toMatchObject({ status: "cancelled" });
  });
});
