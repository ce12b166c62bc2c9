import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { riskDecisions } from "../../src/db/schema/risk-decisions.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { openPositionOf, ordersOf, placeOrder, setPrice, tradingStrategy } from "../helpers/manual-trading.js";
import { waitForSignal, type CreatedStrategy } from "../helpers/strategies.js";

let t: TestApp;
let pricer: CreatedStrategy;
beforeAll(async () => {
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "10", PAPER_MAKER_FEE_BPS: "10" });
  pricer = await tradingStrategy(t);
});
afterAll(() => t.close());

type Flattened = { positionId: string; orderId: string | null; reason: string | null };

const halt = (path: string, body: Record<string, unknown>) => t.http.put(path).set(t.auth()).send({ state: "HALTED", reason: "drill", ...body });
const strategyState = (s: CreatedStrategy) => `/v1/strategies/${s.id}/trading-state`;

async function prices() {
  await setPrice(t, pricer, "BTCUSDT", "100000");
  await setPrice(t, pricer, "ETHUSDT", "4000");
  await setPrice(t, pricer, "SOLUSDT", "200");
  // The perpetuals, where the tests open shorts: spot cannot go short (SPOT_SELL_EXCEEDS_HOLDINGS).
  await setPrice(t, pricer, "ETHUSDT.P", "4000");
  await setPrice(t, pricer, "SOLUSDT.P", "200");
}

async function fill(s: CreatedStrategy, body: Record<string, unknown>) {
  const res = await placeOrder(t, { strategy: s.key, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.order as { id: string; status: string };
}

async function openPositions(s?: CreatedStrategy) {
  const res = await t.http.get("/v1/positions").query({ status: "open", limit: 500, ...(s ? { strategy: s.id } : {}) }).set(t.auth());
  return res.body.data as Array<{ id: string; strategyId: string; symbol: string; realizedPnl: string }>;
}

describe("PUT trading-state with flatten", () => {
  it("closes a strategy's positions, then halts it and cancels its orders; other strategies keep theirs", async () => {
    await prices();
    const a = await tradingStrategy(t);
    const b = await tradingStrategy(t);
    const entry = await fill(a, { symbol: "BTC/USDT", side: "buy", quantity: "0.002", stopLoss: "95000", takeProfit: "110000" });
    // A short, so on the perpetual; 0.05 is a multiple of ETH/USDT:USDT's 0.001 amount step.
    await fill(a, { symbol: "ETH/USDT:USDT", side: "sell", quantity: "0.05" });
    const resting = await fill(a, { symbol: "SOL/USDT", side: "buy", kind: "limit", quantity: "1", limitPrice: "195" });
    expect(resting.status).toBe("submitted");
    await fill(b, { symbol: "BTC/USDT", side: "buy", quantity: "0.001" });
    const btc = await openPositionOf(t, a, "BTC/USDT");
    const eth = await openPositionOf(t, a, "ETH/USDT:USDT");

    const res = await halt(strategyState(a), { flatten: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ scope: "strategy", strategyId: a.id, state: "HALTED", reason: "drill" });
    const flattened = res.body.flattened as Flattened[];
    expect(flattened.map((f) => [f.positionId, f.reason]).sort()).toEqual([[btc.id, null], [eth.id, null]].sort());

    expect(await openPositions(a)).toEqual([]);
    const orders = Object.fromEntries((await ordersOf(t, a)).map((o) => [o.id, o]));
    for (const f of flattened) {
      expect(orders[f.orderId as string]).toMatchObject({ role: "exit", kind: "market", reduceOnly: true, signalId: null, status: "filled" });
    }
    expect(orders[flattened.find((f) => f.positionId === btc.id)?.orderId as string]).toMatchObject({ side: "sell", quantity: "0.002" });
    expect(orders[flattened.find((f) => f.positionId === eth.id)?.orderId as string]).toMatchObject({ side: "buy", quantity: "0.05" });
    // Each close has its decision stored, as any order has.
    const decisions = await t.db.database.db.select().from(riskDecisions).where(inArray(riskDecisions.orderId, flattened.map((f) => f.orderId as string)));
    expect(decisions.map((d) => [d.outcome, d.signalId, d.strategyId])).toEqual([
      ["approved", null, a.id],
      ["approved", null, a.id],
    ]);
    // The resting entry was cancelled by the halt; the stop-loss and take-profit by the close.
    expect(orders[resting.id]).toMatchObject({ status: "cancelled", rejectReason: "TRADING_HALTED" });
    const protection = Object.values(orders).filter((o) => o.parentOrderId === entry.id);
    expect(protection.map((o) => o.status)).toEqual(["cancelled", "cancelled"]);
    expect(await openPositionOf(t, b, "BTC/USDT")).toMatchObject({ quantity: "0.001" });

    // Once the PUT has returned, nothing the strategy asks for reaches the venue.
    const before = await ordersOf(t, a);
    const denied = await placeOrder(t, { strategy: a.key, symbol: "BTC/USDT", side: "buy", quantity: "0.001" });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ order: null, decision: { outcome: "denied", reason: "TRADING_HALTED", limit: "tradingState.strategy=HALTED" } });
    expect(await ordersOf(t, a)).toEqual(before);
    await t.http.put(strategyState(a)).set(t.auth()).send({ state: "ACTIVE", reason: "drill over" });
  });

  it("halts even when the risk engine denies a close, and says which position stayed open and why", async () => {
    await prices();
    const c = await tradingStrategy(t, { maxOrdersPerMinute: 1 });
    await fill(c, { symbol: "ETH/USDT", side: "buy", quantity: "0.01" });
    const eth = await openPositionOf(t, c, "ETH/USDT");
    const res = await halt(strategyState(c), { flatten: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "HALTED", flattened: [{ positionId: eth.id, orderId: null, reason: "ORDER_RATE_LIMIT" }] });
    expect(await openPositionOf(t, c, "ETH/USDT")).toMatchObject({ id: eth.id, quantity: "0.01" });

    // Already HALTED: the flatten is judged by the state in force, which refuses the close.
    const again = await halt(strategyState(c), { flatten: true });
    expect(again.body.flattened).toEqual([{ positionId: eth.id, orderId: null, reason: "TRADING_HALTED" }]);
    expect((await ordersOf(t, c)).map((o) => o.role)).toEqual(["entry"]);
  });

  it("goes with HALTED only, and lists nothing without it", async () => {
    const s = await tradingStrategy(t);
    const bad = await t.http.put(strategyState(s)).set(t.auth()).send({ state: "REDUCING", reason: "x", flatten: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: "flatten", message: "only with state HALTED" }]);
    expect((await t.http.get(strategyState(s)).set(t.auth())).body.state).toBe("ACTIVE");
    const plain = await t.http.put(strategyState(s)).set(t.auth()).send({ state: "REDUCING", reason: "x" });
    expect(plain.body).toMatchObject({ state: "REDUCING", flattened: [] });
    const write = await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "trader", scopes: ["write"] });
    expect((await t.http.put("/v1/trading-state").set(t.auth(write.body.key)).send({ state: "HALTED", reason: "x", flatten: true })).status).toBe(403);
  });

  it("globally: flattens every open position it may, halts, and then no signal or manual order trades", async () => {
    await prices();
    const d = await tradingStrategy(t);
    // A short, so on the perpetual: 2 is a multiple of SOL/USDT:USDT's 0.01 amount step, 200 and 190 of its 0.001 price step.
    await fill(d, { symbol: "SOL/USDT:USDT", side: "sell", quantity: "2" });
    await setPrice(t, pricer, "SOLUSDT.P", "190");
    const sol = await openPositionOf(t, d, "SOL/USDT:USDT");
    const open = await openPositions();
    expect(open.length).toBeGreaterThanOrEqual(3);

    const res = await halt("/v1/trading-state", { flatten: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: "global", state: "HALTED" });
    const flattened = res.body.flattened as Flattened[];
    expect(flattened.map((f) => f.positionId).sort()).toEqual(open.map((p) => p.id).sort());
    // Only the halted strategy's close was refused; every other position is flat.
    const refused = flattened.filter((f) => f.reason !== null);
    expect(refused).toEqual([{ positionId: expect.any(String), orderId: null, reason: "TRADING_HALTED" }]);
    expect((await openPositions()).map((p) => p.id)).toEqual(refused.map((f) => f.positionId));
    // Short 2 from 200, bought back at 190: +20, gross of fees.
    const closedSol = await t.http.get(`/v1/positions/${sol.id}`).set(t.auth());
    expect(closedSol.body).toMatchObject({ status: "closed", realizedPnl: "20" });

    const manual = await placeOrder(t, { strategy: d.key, symbol: "SOL/USDT:USDT", side: "buy", quantity: "1" });
    expect(manual.body).toMatchObject({ order: null, decision: { reason: "TRADING_HALTED", limit: "tradingState.global=HALTED" } });
    const alert = await t.http.post(d.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "SOLUSDT.P", action: "buy", quantity: "1", price: "190" }));
    const done = await waitForSignal(t, alert.body.id, ["processed", "failed"]);
    expect(done.trace.decisions).toMatchObject([{ outcome: "denied", reason: "TRADING_HALTED" }]);
    expect((await ordersOf(t, d)).map((o) => o.role)).toEqual(["exit", "entry"]);
    await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "ACTIVE", reason: "drill over" });
  });
});
