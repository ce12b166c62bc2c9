import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { sendAlert } from "../helpers/trading.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";

// No slippage and a 20 bp taker fee: every price and fee below is computed by hand.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "20", PAPER_MAKER_FEE_BPS: "10" });
});
afterAll(() => t.close());

async function strategy(config: Record<string, unknown> = {}): Promise<CreatedStrategy> {
  const s = await createStrategy(t);
  if (Object.keys(config).length === 0) return s;
  const res = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send(config);
  expect(res.status).toBe(200);
  return s;
}

async function send(s: CreatedStrategy, body: Record<string, unknown>): Promise<string> {
  const done = await sendAlert(t, s, body);
  expect(done.result.outcome).toBe("EXECUTED");
  return done.id;
}

type Order = Record<string, unknown> & { id: string };
const list = async (query: Record<string, string | number>) => {
  const res = await t.http.get("/v1/orders").query(query).set(t.auth());
  expect(res.status).toBe(200);
  return res.body as { data: Order[]; nextCursor: string | null };
};

let btc: CreatedStrategy;
let eth: CreatedStrategy;
let resting: CreatedStrategy;
let buySignal: string;
let sellSignal: string;

beforeAll(async () => {
  btc = await strategy({ oppositeSignal: "close" });
  eth = await strategy();
  resting = await strategy({ defaultOrderType: { type: "limit", offsetBps: "10" } });
  buySignal = await send(btc, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
  sellSignal = await send(btc, { ticker: "BTCUSDT", action: "sell", quantity: "0.001", price: "101000" });
  await send(eth, { ticker: "ETHUSDT", action: "buy", quantity: "0.05", price: "2000" });
  // A limit buy 10 bp under 100500 rests at 100399.5: nothing trades below it afterwards.
  await send(resting, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100500" });
});

describe("GET /v1/orders", () => {
  it("lists a strategy's orders newest first, with exact decimals as strings", async () => {
    const page = await list({ strategy: btc.key });
    expect(page.nextCursor).toBeNull();
    expect(page.data).toHaveLength(2);
    const [exit, entry] = page.data;
    expect(entry).toEqual({
      id: expect.stringMatching(/^ord_/),
      clientOrderId: expect.any(String),
      accountId: "acc_paper",
      strategyId: btc.id,
      signalId: buySignal,
      leg: 0,
      symbol: "BTC/USDT",
      side: "buy",
      kind: "market",
      role: "entry",
      quantity: "0.001",
      limitPrice: null,
      stopPrice: null,
      reduceOnly: false,
      parentOrderId: null,
      status: "filled",
      filledQuantity: "0.001",
      averageFillPrice: "100000",
      rejectReason: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(exit).toMatchObject({
      signalId: sellSignal,
      side: "sell",
      role: "exit",
      reduceOnly: true,
      quantity: "0.001",
      status: "filled",
      filledQuantity: "0.001",
      averageFillPrice: "101000",
    });
    expect(Date.parse(exit?.createdAt as string)).toBeGreaterThanOrEqual(Date.parse(entry?.createdAt as string));
  });

  it("shows a resting limit order with nothing filled", async () => {
    const page = await list({ strategy: resting.id, status: "submitted" });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({
      kind: "limit",
      limitPrice: "100399.5",
      status: "submitted",
      filledQuantity: "0",
      averageFillPrice: null,
    });
  });

  it("filters by symbol, status and signal", async () => {
    const eths = await list({ symbol: "ETH/USDT" });
    expect(eths.data.map((o) => [o.strategyId, o.quantity, o.averageFillPrice])).toEqual([[eth.id, "0.05", "2000"]]);
    const filled = await list({ status: "filled" });
    expect(filled.data).toHaveLength(3);
    expect(filled.data.every((o) => o.status === "filled")).toBe(true);
    const bySignal = await list({ signal: sellSignal });
    expect(bySignal.data.map((o) => o.role)).toEqual(["exit"]);
    expect((await list({ symbol: "BTC/USDT", status: "cancelled" })).data).toEqual([]);
  });

  it("answers an unknown strategy with an empty page", async () => {
    expect(await list({ strategy: "no-such-strategy" })).toEqual({ data: [], nextCursor: null });
    expect(await list({ strategy: "stg_missing" })).toEqual({ data: [], nextCursor: null });
  });

  it("pages with a cursor through every order exactly once, newest first", async () => {
    const all = await list({});
    expect(all.data).toHaveLength(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Order[]; nextCursor: string | null } = await list({ limit: 1, ...(cursor ? { cursor } : {}) });
      expect(page.data).toHaveLength(1);
      seen.push(...page.data.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((o) => o.id));
    const two = await list({ limit: 2 });
    const rest = await list({ limit: 2, cursor: two.nextCursor as string });
    expect([...two.data, ...rest.data].map((o) => o.id)).toEqual(seen);
    expect(rest.nextCursor).toBeNull();
  });

  it("refuses bad query values with 400 and their field paths", async () => {
    for (const [query, path] of [
      [{ status: "done" }, "query.status"],
      [{ limit: "0" }, "query.limit"],
      [{ limit: "501" }, "query.limit"],
      [{ symbol: "BTCUSDT" }, "query.symbol"],
      [{ cursor: "bm9wZQ" }, "cursor"],
    ] as const) {
      const res = await t.http.get("/v1/orders").query(query).set(t.auth());
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.body.code).toBe("VALIDATION_FAILED");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
  });

  it("needs an API key", async () => {
    const res = await t.http.get("/v1/orders");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHORIZED");
  });
});

describe("GET /v1/orders/{id}", () => {
  it("returns the order with its fills", async () => {
    const [exit, entry] = (await list({ strategy: btc.key })).data;
    const res = await t.http.get(`/v1/orders/${entry?.id}`).set(t.auth());
    expect(res.status).toBe(200);
    const { fills, ...order } = res.body;
    expect(order).toEqual(entry);
    // 0.001 × 100000 = 100 notional; 20 bp of it is 0.2.
    expect(fills).toEqual([
      { id: expect.stringMatching(/^fil_/), quantity: "0.001", price: "100000", fee: "0.2", liquidity: "taker", realizedPnl: "0", filledAt: expect.any(String) },
    ]);
    // The exit realizes 0.001 × (101000 − 100000) = 1, and pays 20 bp of 101.
    const closing = await t.http.get(`/v1/orders/${exit?.id}`).set(t.auth());
    expect(closing.body.fills).toEqual([expect.objectContaining({ quantity: "0.001", price: "101000", fee: "0.202", realizedPnl: "1" })]);
  });

  it("lists no fills for an order that has none", async () => {
    const [order] = (await list({ strategy: resting.key })).data;
    const res = await t.http.get(`/v1/orders/${order?.id}`).set(t.auth());
    expect(res.status).toBe(200);
    expect(res.body.fills).toEqual([]);
  });

  it("answers 404 problem for an unknown id", async () => {
    const res = await t.http.get("/v1/orders/ord_missing").set(t.auth());
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.body).toMatchObject({ code: "NOT_FOUND", detail: "no order with id ord_missing" });
  });

  it("needs an API key", async () => {
    expect((await t.http.get("/v1/orders/ord_missing")).status).toBe(401);
  });
});
