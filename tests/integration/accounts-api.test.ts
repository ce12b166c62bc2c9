import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts } from "../../src/db/schema/accounts.js";
import { marketPrices } from "../../src/db/schema/market-prices.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { sendAlert } from "../helpers/trading.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";

// No slippage and a 20 bp taker fee on 10000 of paper cash: every amount below is computed by hand.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "20", PAPER_MAKER_FEE_BPS: "10", PAPER_STARTING_CASH: "10000" });
});
afterAll(() => t.close());

async function send(s: CreatedStrategy, body: Record<string, unknown>): Promise<void> {
  expect((await sendAlert(t, s, body)).result.outcome).toBe("EXECUTED");
}

const paperAccount = async () => {
  const res = await t.http.get("/v1/accounts").set(t.auth());
  expect(res.status).toBe(200);
  return (res.body.data as Array<Record<string, unknown>>).find((a) => a.id === "acc_paper");
};

describe("GET /v1/accounts", () => {
  it("shows the shared paper account untouched at start", async () => {
    expect(await paperAccount()).toEqual({
      id: "acc_paper",
      name: "paper (shared)",
      venue: "paper",
      currency: "USDT",
      startingCash: "10000",
      cash: "10000",
      fees: "0",
      equity: "10000",
      missingMarks: [],
      realizedPnl: "0",
      unrealizedPnl: "0",
      openPositions: 0,
      venueHealth: "ok",
      kind: "paper",
    });
  });

  it("reports cash, fees, equity and PnL after trading, and they reconcile", async () => {
    const btc = await createStrategy(t);
    expect((await t.http.patch(`/v1/strategies/${btc.id}`).set(t.auth()).send({ oppositeSignal: "close" })).status).toBe(200);
    const ethA = await createStrategy(t);
    const ethB = await createStrategy(t);
    // BTC: buy 0.001 at 100000 (fee 0.2), sell at 101000 (fee 0.202): realized 1.
    await send(btc, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
    await send(btc, { ticker: "BTCUSDT", action: "sell", quantity: "0.001", price: "101000" });
    // ETH: 0.05 at 2000 (fee 0.2), then 0.02 at 2010 (fee 0.0804), which marks the first at +0.5.
    await send(ethA, { ticker: "ETHUSDT", action: "buy", quantity: "0.05", price: "2000" });
    await send(ethB, { ticker: "ETHUSDT", action: "buy", quantity: "0.02", price: "2010" });

    // cash = 10000 − 100.2 + 100.798 − 100.2 − 40.2804; equity = cash + 0.07 × 2010, which reconciles
    // with startingCash + realized + unrealized − fees = 10000 + 1 + 0.5 − 0.6824.
    expect(await paperAccount()).toMatchObject({
      cash: "9860.1176",
      fees: "0.6824",
      equity: "10000.8176",
      missingMarks: [],
      realizedPnl: "1",
      unrealizedPnl: "0.5",
      openPositions: 2,
      venueHealth: "ok",
    });
  });

  it("lists every account by id, with health unknown for a venue it cannot check yet", async () => {
    const now = new Date();
    await t.services.database.db.insert(accounts).values({
      id: "acc_binance",
      name: "binance main",
      venue: "binance",
      currency: "USDT",
      startingCash: "500",
      cash: "500",
      fees: "0",
      createdAt: now,
      updatedAt: now,
    });
    const res = await t.http.get("/v1/accounts").set(t.auth());
    expect(res.body.data.map((a: { id: string }) => a.id)).toEqual(["acc_binance", "acc_paper"]);
    expect(res.body.data[0]).toMatchObject({ venue: "binance", equity: "500", openPositions: 0, venueHealth: "unknown" });
  });

  it("has no equity while an open position has no mark, and says which", async () => {
    await t.services.database.db.delete(marketPrices).where(eq(marketPrices.symbol, "ETH/USDT"));
    expect(await paperAccount()).toMatchObject({
      cash: "9860.1176",
      equity: null,
      missingMarks: ["ETH/USDT"],
      realizedPnl: "1",
      unrealizedPnl: null,
      openPositions: 2,
    });
  });

  it("needs an API key", async () => {
    const res = await t.http.get("/v1/accounts");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHORIZED");
    expect((await t.http.get("/v1/accounts").set(t.auth("not-a-key-0123456789"))).status).toBe(401);
  });
});
