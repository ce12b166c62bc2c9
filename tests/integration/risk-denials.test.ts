import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dec, plain, truncateToStep } from "../../src/domain/decimal.js";
import { paperMarket } from "../../src/execution/paper/paper-markets.js";
import { isReasonCode } from "../../src/risk/reason-codes.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { OffsetClock, sendAlert, startTestAppWithClock, type ProcessedSignal } from "../helpers/trading.js";

/**
 * One test per risk rule, end to end: a TradingView alert goes in, the rule fires, and the signal's
 * trace shows the denial with its reason code and the limit that fired, while nothing reached the
 * paper venue: no order for the signal (in the trace and in GET /v1/orders), and the account's cash
 * and fees did not move. Resizing rules (order notional, position, leverage) let a smaller order
 * through instead, so for them the assertion is the resized quantity.
 *
 * Every test in a describe block trades on the one shared paper account, so each test uses
 * symbols no earlier test in its block left a position in, and switches the account-wide limits
 * off unless they are what it tests.
 *
 * Not reachable through an alert, so not here (the unit tests cover them): ORDER_INVALID,
 * CONTEXT_INVALID, TRADING_STATE_UNKNOWN, DAILY_PNL_STALE, RISK_ENGINE_ERROR (the handler builds
 * well-formed requests and contexts); QUANTITY_OFF_STEP and STOP_DISTANCE_ZERO (sizing and the
 * strategy manager truncate quantities and refuse a stop at the entry first); QUANTITY_BELOW_MIN
 * and NOTIONAL_ABOVE_MAX (every paper market has minAmount = amountStep and no maxCost);
 * SIZING_INPUT_INVALID (the TradingView parser refuses such quantities with a 422).
 *
 * Elsewhere, over HTTP with the same assertions: SPOT_BUY_EXCEEDS_CASH in spot-cash.test.ts (an
 * account of its own, whose cash the test spends), and SPOT_QUOTE_NOT_ACCOUNT_CURRENCY in
 * live-cancel.test.ts (only an exchange account can keep its ledger in another currency).
 */

const ENV = { PAPER_SLIPPAGE_BPS: "0", PAPER_TAKER_FEE_BPS: "10", PAPER_MAKER_FEE_BPS: "10", WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0", WEBHOOK_RATE_LIMIT_PER_TOKEN: "0" };

/** Account-wide limits off (they are shared with every other test); a test's own limits on top. */
const limits = (own: Record<string, unknown> = {}) => ({ riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null, ...own } });

type Account = { cash: string; fees: string; equity: string | null };

async function paperAccount(t: TestApp): Promise<Account> {
  const res = await t.http.get("/v1/accounts").set(t.auth());
  expect(res.status).toBe(200);
  return res.body.data.find((a: { id: string }) => a.id === "acc_paper");
}

async function ordersOfSignal(t: TestApp, signalId: string): Promise<Array<Record<string, string>>> {
  const res = await t.http.get("/v1/orders").query({ signal: signalId }).set(t.auth());
  expect(res.status).toBe(200);
  return res.body.data;
}

/**
 * Sends the alert and checks it was denied by `reason` with `limit`, and that the venue saw nothing:
 * no order in the trace or the orders API, no position for the strategy, cash and fees unchanged.
 */
async function expectDenied(t: TestApp, s: CreatedStrategy, body: Record<string, unknown>, reason: string, limit: string | null): Promise<ProcessedSignal> {
  const before = await paperAccount(t);
  const done = await sendAlert(t, s, body);
  expect(done.result, JSON.stringify(done.result)).toMatchObject({ outcome: "DENIED", legs: [{ outcome: "denied", reason }] });
  expect(done.trace.decisions).toHaveLength(1);
  expect(done.trace.decisions[0]).toMatchObject({ outcome: "denied", reason, limit, orderId: null });
  expect(done.trace.orders).toEqual([]);
  expect(done.trace.positions).toEqual([]);
  expect(await ordersOfSignal(t, done.id)).toEqual([]);
  const after = await paperAccount(t);
  expect({ cash: after.cash, fees: after.fees }).toEqual({ cash: before.cash, fees: before.fees });
  return done;
}

/** Sends the alert and checks one order went out at `quantity`, filled in full, with the decision that cut it. */
async function expectResized(t: TestApp, s: CreatedStrategy, body: Record<string, unknown>, reason: string, limit: string, quantity: string): Promise<void> {
  const done = await sendAlert(t, s, body);
  expect(done.result, JSON.stringify(done.result)).toMatchObject({ outcome: "EXECUTED" });
  expect(done.trace.decisions).toHaveLength(1);
  expect(done.trace.decisions[0]).toMatchObject({ outcome: "resized", reason, limit });
  expect(done.trace.orders).toMatchObject([{ role: "entry", quantity, filledQuantity: quantity, status: "filled" }]);
  expect(done.trace.decisions[0]?.orderId).toBe(done.trace.orders[0]?.id);
  const listed = await ordersOfSignal(t, done.id);
  expect(listed).toMatchObject([{ id: done.trace.orders[0]?.id, quantity, filledQuantity: quantity }]);
}

async function executed(t: TestApp, s: CreatedStrategy, body: Record<string, unknown>): Promise<ProcessedSignal> {
  const done = await sendAlert(t, s, body);
  expect(done.result, JSON.stringify(done.result)).toMatchObject({ outcome: "EXECUTED" });
  return done;
}

describe("risk rules that deny or resize an order, on one shared paper account", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(ENV);
  });
  afterAll(() => t.close());
  const strategy = (config: Record<string, unknown> = limits()) => createStrategy(t, config);

  it("TRADING_HALTED: the global kill switch denies a new entry", async () => {
    const s = await strategy();
    const halt = await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "HALTED", reason: "risk-denials test" });
    expect(halt.status).toBe(200);
    try {
      await expectDenied(t, s, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" }, "TRADING_HALTED", "tradingState.global=HALTED");
    } finally {
      const resume = await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "ACTIVE", reason: "risk-denials test over" });
      expect(resume.status).toBe(200);
    }
  });

  it("TRADING_REDUCING: a strategy set to REDUCING may not open a position", async () => {
    const s = await strategy();
    const put = await t.http.put(`/v1/strategies/${s.id}/trading-state`).set(t.auth()).send({ state: "REDUCING", reason: "wind down" });
    expect(put.status).toBe(200);
    await expectDenied(t, s, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" }, "TRADING_REDUCING", "tradingState.strategy=REDUCING");
  });

  it("UNKNOWN_MARKET: a symbol the paper venue does not list", async () => {
    const s = await strategy();
    await expectDenied(t, s, { ticker: "AVAXUSDT", action: "buy", quantity: "1", price: "30" }, "UNKNOWN_MARKET", null);
  });

  // The API refuses a strategy naming a missing account (422); the risk layer still fails closed when
  // a stored configuration names one anyway (written by hand, or restored from another database).
  const strategyOnMissingAccount = async () => {
    const s = await strategy();
    await t.services.database.db.execute(sql`update strategies set config = config || '{"accountId":"acc_missing"}'::jsonb where id = ${s.id}`);
    return s;
  };

  it("ACCOUNT_UNKNOWN: a strategy whose stored configuration names an account the gateway does not have", async () => {
    const s = await strategyOnMissingAccount();
    await expectDenied(t, s, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" }, "ACCOUNT_UNKNOWN", null);
  });

  // REASON_CODES is the closed list of every reason the risk layer gives, context failures included.
  it("every stored denial reason is one of REASON_CODES, ACCOUNT_UNKNOWN included", async () => {
    const s = await strategyOnMissingAccount();
    const done = await sendAlert(t, s, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
    for (const d of done.trace.decisions) expect(isReasonCode(d.reason), `${d.reason} is not in REASON_CODES`).toBe(true);
  });

  it("REFERENCE_PRICE_MISSING: an alert without a price for a symbol never priced", async () => {
    const s = await strategy();
    await expectDenied(t, s, { ticker: "ADAUSDT", action: "buy", quantity: "100" }, "REFERENCE_PRICE_MISSING", null);
  });

  it("REFERENCE_PRICE_STALE: the last known price is older than maxReferencePriceAgeMs", async () => {
    // 1 ms makes any price seen by an earlier signal stale without a fake clock; the test with the
    // default 60 s window and an offset clock is below.
    const s = await strategy(limits({ maxReferencePriceAgeMs: 1 }));
    const priming = await sendAlert(t, s, { ticker: "DOGEUSDT", action: "exit_long", price: "0.2" });
    expect(priming.result).toMatchObject({ outcome: "NO_ACTION", reason: "NO_POSITION_TO_CLOSE" });
    await new Promise((r) => setTimeout(r, 20));
    await expectDenied(t, s, { ticker: "DOGEUSDT", action: "buy", quantity: "100" }, "REFERENCE_PRICE_STALE", "maxReferencePriceAgeMs=1");
  });

  it("PRICE_COLLAR: a limit price 10 % from the reference, with the collar at 5 %", async () => {
    const s = await strategy();
    const body = { ticker: "BTCUSDT", action: "buy", type: "limit", limit_price: "90000", quantity: "0.001", price: "100000" };
    await expectDenied(t, s, body, "PRICE_COLLAR", "priceCollarBps=500");
  });

  it("PRICE_OFF_TICK: a limit price between two ticks is denied, never rounded", async () => {
    const s = await strategy();
    const body = { ticker: "BTCUSDT", action: "buy", type: "limit", limit_price: "99999.995", quantity: "0.001", price: "100000" };
    await expectDenied(t, s, body, "PRICE_OFF_TICK", "priceStep=0.01");
  });

  it("NOTIONAL_BELOW_MIN: 0.00001 BTC at 100 000 is 1 USDT, under the market's 5 USDT minimum", async () => {
    const s = await strategy();
    await expectDenied(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.00001", price: "100000" }, "NOTIONAL_BELOW_MIN", "minCost=5");
  });

  it("QUANTITY_ZERO: a quantity below one amount step truncates to nothing", async () => {
    const s = await strategy();
    await expectDenied(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.000001", price: "100000" }, "QUANTITY_ZERO", "amountStep=0.00001");
  });

  it("QUANTITY_ABOVE_MAX: more units than the market's maximum is denied, not cut", async () => {
    const s = await strategy();
    const body = { ticker: "DOGEUSDT", action: "buy", quantity: "10000000", price: "0.0001" };
    await expectDenied(t, s, body, "QUANTITY_ABOVE_MAX", "maxAmount=9000000");
  });

  it("STOP_PRICE_MISSING: risk_percent sizing without a stop-loss has nothing to size against", async () => {
    const s = await strategy({ sizing: { type: "risk_percent", percent: "1" }, ...limits() });
    await expectDenied(t, s, { ticker: "BTCUSDT", action: "buy", price: "100000" }, "STOP_PRICE_MISSING", null);
  });

  it("POSITION_FLAT: an entry sized as a percent of a position that does not exist", async () => {
    const s = await strategy();
    const body = { ticker: "BTCUSDT", action: "buy", quantity: "50", quantity_type: "position_percent", price: "100000" };
    await expectDenied(t, s, body, "POSITION_FLAT", null);
  });

  it("ORDER_RATE_LIMIT: a second order within a minute with maxOrdersPerMinute 1", async () => {
    const s = await strategy(limits({ maxOrdersPerMinute: 1 }));
    await executed(t, s, { ticker: "XRPUSDT", action: "buy", quantity: "10", price: "2.5" });
    await expectDenied(t, s, { ticker: "SOLUSDT", action: "buy", quantity: "0.1", price: "200" }, "ORDER_RATE_LIMIT", "maxOrdersPerMinute=1");
  });

  it("MAX_OPEN_POSITIONS: maxOpenPositions 1 on an account that already holds a position", async () => {
    const other = await strategy();
    await executed(t, other, { ticker: "BNBUSDT", action: "buy", quantity: "0.01", price: "600" });
    const s = await strategy({ riskLimits: { maxOpenPositions: 1, maxGrossExposureMultiple: null } });
    await expectDenied(t, s, { ticker: "SOLUSDT", action: "buy", quantity: "0.1", price: "200" }, "MAX_OPEN_POSITIONS", "maxOpenPositions=1");
  });

  it("MAX_GROSS_EXPOSURE: an order that takes gross exposure above 0.001 × equity", async () => {
    // The cap is ~10 USDT on a ~10 000 account; this order alone is 40, whatever else the account holds.
    const s = await strategy({ riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: "0.001" } });
    const body = { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" };
    await expectDenied(t, s, body, "MAX_GROSS_EXPOSURE", "maxGrossExposureMultiple=0.001");
  });

  it("REDUCE_ONLY_WOULD_INCREASE: an exit that would add to the account's net position on the other side", async () => {
    // The account nets strategies per symbol: A long 0.01 and B short 0.02 leave it short 0.01, so
    // A's reduce-only sell would grow the account's short. A cannot exit until B shrinks.
    const a = await strategy();
    const b = await strategy();
    await executed(t, a, { ticker: "ETHUSDT.P", action: "buy", quantity: "0.01", price: "4000" });
    await executed(t, b, { ticker: "ETHUSDT.P", action: "sell", quantity: "0.02", price: "4000" });
    await expectDenied(t, a, { ticker: "ETHUSDT.P", action: "exit_long", price: "4000" }, "REDUCE_ONLY_WOULD_INCREASE", "accountPosition=-0.01");
    const positions = await t.http.get("/v1/positions").query({ strategy: a.id, status: "open" }).set(t.auth());
    expect(positions.body.data).toMatchObject([{ symbol: "ETH/USDT:USDT", quantity: "0.01" }]);
  });

  it("SPOT_SELL_EXCEEDS_HOLDINGS: a spot sell from flat, and the short half of a spot reversal", async () => {
    const s = await strategy();
    await expectDenied(t, s, { ticker: "ADAUSDT", action: "sell", quantity: "10", price: "0.7" }, "SPOT_SELL_EXCEEDS_HOLDINGS", "held=0");
    await executed(t, s, { ticker: "ADAUSDT", action: "buy", quantity: "10", price: "0.7" });
    // A reversal on spot: the exit sells the 10 held; the short entry after it has nothing to sell.
    const reversal = await sendAlert(t, s, { ticker: "ADAUSDT", action: "sell", quantity: "10", price: "0.7" });
    expect(reversal.result).toMatchObject({ outcome: "PARTIALLY_EXECUTED", legs: [{ role: "exit", outcome: "approved", filled: "10" }, { role: "entry", outcome: "denied", reason: "SPOT_SELL_EXCEEDS_HOLDINGS" }] });
    expect(reversal.trace.decisions).toMatchObject([{ outcome: "approved" }, { outcome: "denied", reason: "SPOT_SELL_EXCEEDS_HOLDINGS", limit: "held=0", orderId: null }]);
    expect(reversal.trace.orders).toMatchObject([{ role: "exit", side: "sell", quantity: "10", status: "filled" }]);
    const open = await t.http.get("/v1/positions").query({ strategy: s.id, status: "open" }).set(t.auth());
    expect(open.body.data).toEqual([]);
  });

  it("MAX_ORDER_NOTIONAL denies when no smaller order is legal: a 3 USDT cap under the market's 5 USDT minimum", async () => {
    const s = await strategy(limits({ maxOrderNotional: "3" }));
    const body = { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" };
    await expectDenied(t, s, body, "MAX_ORDER_NOTIONAL", "maxOrderNotional=3");
  });

  it("MAX_ORDER_NOTIONAL resizes: 0.005 BTC (500 USDT) with maxOrderNotional 100 goes out as 0.001", async () => {
    const s = await strategy(limits({ maxOrderNotional: "100" }));
    const body = { ticker: "BTCUSDT", action: "buy", quantity: "0.005", price: "100000" };
    await expectResized(t, s, body, "MAX_ORDER_NOTIONAL", "maxOrderNotional=100", "0.001");
  });

  it("MAX_POSITION resizes: an add is cut to what is left under maxPositionNotionalPerSymbol", async () => {
    const s = await strategy({ pyramiding: true, ...limits({ maxPositionNotionalPerSymbol: "200" }) });
    // BTC/USDT:USDT has no other position on the account: the strategy's cap and the account's agree.
    const first = await executed(t, s, { ticker: "BTCUSDT.P", action: "buy", quantity: "0.001", price: "100000" });
    expect(first.trace.decisions).toMatchObject([{ outcome: "approved", reason: null }]);
    // 200 USDT at 100 000 is 0.002 contracts; 0.001 is held, so the 0.005 asked for becomes 0.001.
    const body = { ticker: "BTCUSDT.P", action: "buy", quantity: "0.005", price: "100000" };
    await expectResized(t, s, body, "MAX_POSITION", "maxPositionNotionalPerSymbol=200", "0.001");
    const positions = await t.http.get("/v1/positions").query({ strategy: s.id, status: "open" }).set(t.auth());
    expect(positions.body.data).toMatchObject([{ symbol: "BTC/USDT:USDT", quantity: "0.002" }]);
  });

  it("MAX_LEVERAGE resizes: 1 SOL (200 USDT) with maxLeverage 0.01 is cut to 1 % of equity", async () => {
    const s = await strategy(limits({ maxLeverage: "0.01" }));
    const { equity } = await paperAccount(t);
    expect(equity).not.toBeNull();
    // SOL/USDT has no position on the account, so the cap is the whole 1 % of equity, truncated to the step.
    const rules = paperMarket("SOL/USDT");
    const expected = plain(truncateToStep(dec(equity as string).mul("0.01").div("200"), rules?.amountStep ?? "1"));
    expect(dec(expected).lt(1)).toBe(true);
    const body = { ticker: "SOLUSDT", action: "buy", quantity: "1", price: "200" };
    await expectResized(t, s, body, "MAX_LEVERAGE", "maxLeverage=0.01", expected);
  });
});

describe("risk rules that depend on time and on the day's PnL (offset clock, own account)", () => {
  const clock = new OffsetClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestAppWithClock(clock, ENV);
  });
  afterAll(() => t.close());

  it("REFERENCE_PRICE_STALE with the default 60 s window: a price seen 61 s ago is not used", async () => {
    const s = await createStrategy(t, limits());
    const priming = await sendAlert(t, s, { ticker: "ETHUSDT", action: "exit_long", price: "4000" });
    expect(priming.result).toMatchObject({ outcome: "NO_ACTION", reason: "NO_POSITION_TO_CLOSE" });
    clock.advance(61_000);
    await expectDenied(t, s, { ticker: "ETHUSDT", action: "buy", quantity: "0.01" }, "REFERENCE_PRICE_STALE", "maxReferencePriceAgeMs=60000");
    // The same alert with a fresh price goes through: the denial was about the age, nothing else.
    await executed(t, s, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
  });

  // Runs last in this block: crossing the daily loss limit moves the whole account to REDUCING until
  // an operator PUTs it back (account-trading-state.test.ts), so every later entry would be denied.
  it("DAILY_LOSS_LIMIT: after an unrealized loss past maxDailyLossPercent, a new entry is denied and the account goes REDUCING", async () => {
    const s = await createStrategy(t, limits({ maxDailyLossPercent: "0.05" }));
    await executed(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
    // Already long and pyramiding is off: nothing is evaluated, but 90 000 becomes BTC's mark (−10 USDT unrealized).
    const mark = await sendAlert(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "90000" });
    expect(mark.result).toMatchObject({ outcome: "NO_ACTION", reason: "PYRAMIDING_OFF" });
    await expectDenied(t, s, { ticker: "SOLUSDT", action: "buy", quantity: "0.1", price: "200" }, "DAILY_LOSS_LIMIT", "maxDailyLossPercent=0.05");
    // The risk engine stored the account's new state: the next entry meets it first, from any strategy.
    const other = await createStrategy(t, limits());
    await expectDenied(t, other, { ticker: "XRPUSDT", action: "buy", quantity: "10", price: "2.5" }, "TRADING_REDUCING", "tradingState.account=REDUCING");
    // Exits still go through: REDUCING, not HALTED.
    const exit = await executed(t, s, { ticker: "BTCUSDT", action: "exit_long", price: "90000" });
    expect(exit.trace.orders).toMatchObject([{ role: "exit", side: "sell", quantity: "0.001", status: "filled" }]);
  });
});

describe("EQUITY_NOT_POSITIVE (an account that starts with no cash)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...ENV, PAPER_STARTING_CASH: "0" });
  });
  afterAll(() => t.close());

  it("denies an entry: with equity 0 no leverage is measurable", async () => {
    const s = await createStrategy(t, limits());
    await expectDenied(t, s, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" }, "EQUITY_NOT_POSITIVE", "maxLeverage=1");
  });
});
