import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marketPrices } from "../../src/db/schema/market-prices.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { sendAlert } from "../helpers/trading.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";

// No slippage and a 20 bp taker fee: every price, fee and PnL below is computed by hand.
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

async function send(s: CreatedStrategy, body: Record<string, unknown>, outcome = "EXECUTED"): Promise<void> {
  expect((await sendAlert(t, s, body)).result.outcome).toBe(outcome);
}

type Position = Record<string, unknown> & { id: string };
const list = async (query: Record<string, string | number>) => {
  const res = await t.http.get("/v1/positions").query(query).set(t.auth());
  expect(res.status).toBe(200);
  return res.body as { data: Position[]; nextCursor: string | null };
};

let btc: CreatedStrategy;
let ethA: CreatedStrategy;
let ethB: CreatedStrategy;
let sol: CreatedStrategy;

beforeAll(async () => {
  btc = await strategy({ oppositeSignal: "close" });
  ethA = await strategy();
  ethB = await strategy();
  sol = await strategy();
  await send(btc, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
  await send(btc, { ticker: "BTCUSDT", action: "sell", quantity: "0.001", price: "101000" });
  await send(ethA, { ticker: "ETHUSDT", action: "buy", quantity: "0.05", price: "2000" });
  await send(ethB, { ticker: "ETHUSDT", action: "buy", quantity: "0.02", price: "2010" });
  // The short is on the perpetual (SOL/USDT:USDT): spot cannot go short (SPOT_SELL_EXCEEDS_HOLDINGS).
  // 0.5 is a multiple of its 0.01 amount step, 200 and 190 of its 0.001 price step; the paper fee is
  // PAPER_TAKER_FEE_BPS whatever the market, so 20 bp of 0.5 × 200 = 100 is 0.2, as on spot.
  await send(sol, { ticker: "SOLUSDT.P", action: "sell", quantity: "0.5", price: "200" });
  // Already short and pyramiding is off: nothing trades, but 190 becomes SOL/USDT:USDT's mark.
  await send(sol, { ticker: "SOLUSDT.P", action: "sell", quantity: "0.5", price: "190" }, "NO_ACTION");
});

describe("GET /v1/positions", () => {
  it("keeps a closed position with its realized PnL and fees", async () => {
    const page = await list({ strategy: btc.key });
    expect(page).toEqual({
      data: [
        {
          id: expect.stringMatching(/^pos_/),
          accountId: "acc_paper",
          strategyId: btc.id,
          symbol: "BTC/USDT",
          side: "flat",
          quantity: "0",
          averageEntryPrice: "100000",
          // 0.001 × (101000 − 100000); fees 20 bp of 100 and of 101.
          realizedPnl: "1",
          fees: "0.402",
          status: "closed",
          openedAt: expect.any(String),
          closedAt: expect.any(String),
          markPrice: null,
          markedAt: null,
          markSource: null,
          unrealizedPnl: "0",
        },
      ],
      nextCursor: null,
    });
    const closed = await list({ status: "closed" });
    expect(closed.data.map((p) => p.strategyId)).toEqual([btc.id]);
  });

  it("values open positions at the last price of their symbol", async () => {
    const open = await list({ status: "open" });
    expect(open.data.map((p) => [p.strategyId, p.side, p.quantity, p.averageEntryPrice, p.markPrice, p.unrealizedPnl, p.fees])).toEqual([
      // Short 0.5 from 200, marked at 190: 0.5 × 10 = 5.
      [sol.id, "short", "-0.5", "200", "190", "5", "0.2"],
      [ethB.id, "long", "0.02", "2010", "2010", "0", "0.0804"],
      // Long 0.05 from 2000, marked at 2010 by the other strategy's signal: 0.05 × 10 = 0.5.
      [ethA.id, "long", "0.05", "2000", "2010", "0.5", "0.2"],
    ]);
    expect(open.data.every((p) => p.status === "open" && p.closedAt === null)).toBe(true);
    // Each mark says where it came from and when: both ETH positions at the price of ethB's signal,
    // seen when that signal arrived, just before it filled (and after ethA's position opened).
    const [ethBPosition, ethAPosition] = open.data.filter((p) => p.symbol === "ETH/USDT");
    expect([ethBPosition?.markSource, ethAPosition?.markSource]).toEqual(["signal", "signal"]);
    expect(ethAPosition?.markedAt).toBe(ethBPosition?.markedAt);
    const markedAt = Date.parse(ethBPosition?.markedAt as string);
    expect(markedAt).toBeLessThanOrEqual(Date.parse(ethBPosition?.openedAt as string));
    expect(markedAt).toBeGreaterThanOrEqual(Date.parse(ethAPosition?.openedAt as string));
  });

  it("filters by symbol and by strategy id", async () => {
    const eth = await list({ symbol: "ETH/USDT" });
    expect(eth.data.map((p) => p.strategyId)).toEqual([ethB.id, ethA.id]);
    expect((await list({ strategy: ethA.id })).data.map((p) => p.symbol)).toEqual(["ETH/USDT"]);
    expect((await list({ symbol: "SOL/USDT:USDT" })).data.map((p) => p.strategyId)).toEqual([sol.id]);
    expect((await list({ symbol: "SOL/USDT" })).data).toEqual([]);
    expect((await list({ strategy: ethA.id, status: "closed" })).data).toEqual([]);
    expect(await list({ strategy: "nobody" })).toEqual({ data: [], nextCursor: null });
  });

  it("pages with a cursor, most recently opened first", async () => {
    const all = await list({});
    expect(all.data.map((p) => p.strategyId)).toEqual([sol.id, ethB.id, ethA.id, btc.id]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Position[]; nextCursor: string | null } = await list({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((p) => p.id));
  });

  it("refuses bad query values with 400", async () => {
    const orderCursor = (await t.http.get("/v1/orders").query({ limit: 1 }).set(t.auth())).body.nextCursor as string;
    for (const [query, path] of [
      [{ status: "flat" }, "query.status"],
      [{ limit: "ten" }, "query.limit"],
      [{ symbol: "eth/usdt" }, "query.symbol"],
      [{ cursor: orderCursor }, "cursor"],
    ] as const) {
      const res = await t.http.get("/v1/positions").query(query).set(t.auth());
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.code).toBe("VALIDATION_FAILED");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
  });

  it("needs an API key", async () => {
    expect((await t.http.get("/v1/positions")).status).toBe(401);
  });
});

describe("GET /v1/positions/{id}", () => {
  it("returns the position as listed", async () => {
    const [listed] = (await list({ strategy: ethA.key })).data;
    const res = await t.http.get(`/v1/positions/${listed?.id}`).set(t.auth());
    expect(res.status).toBe(200);
    expect(res.body).toEqual(listed);
  });

  it("has no mark and no unrealized PnL when no price is known for the symbol", async () => {
    await t.services.database.db.delete(marketPrices).where(eq(marketPrices.symbol, "SOL/USDT:USDT"));
    const [listed] = (await list({ strategy: sol.key })).data;
    const res = await t.http.get(`/v1/positions/${listed?.id}`).set(t.auth());
    expect(res.body).toMatchObject({ symbol: "SOL/USDT:USDT", status: "open", quantity: "-0.5", markPrice: null, unrealizedPnl: null });
  });

  it("answers 404 problem for an unknown id", async () => {
    const res = await t.http.get("/v1/positions/pos_missing").set(t.auth());
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.body).toMatchObject({ code: "NOT_FOUND", detail: "no position with id pos_missing" });
  });

  it("needs an API key", async () => {
    expect((await t.http.get("/v1/positions/pos_missing")).status).toBe(401);
  });
});
