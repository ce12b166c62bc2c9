import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestExchange } from "../exchange/server.js";
import type { TestApp } from "../helpers/harness.js";
import { startLiveTestApp, type LiveTestApp } from "../helpers/live-app.js";
import { createStrategy } from "../helpers/strategies.js";
import { sendAlert } from "../helpers/trading.js";

// An exchange account's positions are marked at the exchange's last price on each reconciliation
// pass, not only when a signal names their symbol: a position no signal has named since it fell is
// otherwise valued, and measured against the daily loss limit, at its old price.
const ACCOUNT = "binance-marks";
// Past 0.4 % of the account's 10 000 USDT (40) the account goes REDUCING.
const LIMITS = { maxOpenPositions: null, maxGrossExposureMultiple: null, maxOrdersPerMinute: null, maxDailyLossPercent: "0.4" };

let x: TestExchange;
let t: TestApp;

let live: LiveTestApp | undefined;
beforeAll(async () => {
  live = await startLiveTestApp({ account: ACCOUNT, exchange: { balances: { USDT: "10000" }, prices: { BTCUSDT: "50000", ETHUSDT: "3000" } } });
  ({ t, x } = live);
}, 30_000);
afterAll(() => live?.close());

describe("marks of an exchange account's positions", () => {
  it("follow the exchange's last price at each reconciliation, so a fall no signal reported trips the daily loss limit", async () => {
    // Pyramiding on: the second ETH buy is an entry the risk engine judges, not a no-op.
    const strategy = await createStrategy(t, { mode: "live", accountId: ACCOUNT, pyramiding: true, riskLimits: LIMITS });
    await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "buy", quantity: "0.01", price: "50000" });
    const btc = async () => ((await t.http.get(`/v1/positions?strategy=${strategy.id}&status=open`).set(t.auth())).body.data as Array<Record<string, string>>).find((p) => p.symbol === "BTC/USDT");
    expect(await btc()).toMatchObject({ quantity: "0.01", markPrice: "50000", markSource: "signal", unrealizedPnl: "0" });

    x.setPrice("BTCUSDT", "45000");
    // Until the next pass the gateway knows only the signal's price: an entry elsewhere still goes.
    const before = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "3000" });
    expect(before.trace.decisions).toMatchObject([{ outcome: "approved" }]);

    await t.services.liveVenues.reconcileNow();
    expect(await btc()).toMatchObject({ markPrice: "45000", markSource: "venue", unrealizedPnl: "-50" });
    const after = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "3000" });
    expect(after.trace.decisions).toMatchObject([{ outcome: "denied", reason: "DAILY_LOSS_LIMIT" }]);
  });
});
