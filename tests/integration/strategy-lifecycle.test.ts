import { afterAll, beforeAll, describe, expect, it } from "vitest";
// First: the harness loads the app, which extends zod with .openapi before any schema is built.
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { insertBacktest } from "../../src/db/repositories/backtests-repository.js";
import { positions } from "../../src/db/schema/positions.js";
import { NO_LIVE_VENUES } from "../../src/execution/live/live-venues-port.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { OffsetClock, sendAlert } from "../helpers/trading.js";

/**
 * One app with small thresholds (profit factor 1.2, 3 trades, 14 days), one exchange account that is
 * never contacted, and a clock the tests move forward for the days-in-paper rule. Backtests and
 * closed positions are written straight to their tables: the lifecycle only reads them.
 */
const ENV = {
  PROMOTION_MIN_PROFIT_FACTOR: "1.2",
  PROMOTION_MIN_TRADES: "3",
  PROMOTION_MIN_PAPER_DAYS: "14",
  EXCHANGE_ACCOUNTS: JSON.stringify([{ id: "binance-test", name: "Binance testnet", exchange: "binance", apiKeyEnv: "BN_KEY", secretEnv: "BN_SECRET", marketType: "spot" }]),
  BN_KEY: "LiveApiKeyValue0000aaaaBBBBccccDDDD",
  BN_SECRET: "LiveSecretValue1111eeeeFFFFggggHHHH",
};
const DAY = 86_400_000;
const clock = new OffsetClock();
let t: TestApp;
let writeKey: string;
let readKey: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp(ENV, { clock, liveVenues: NO_LIVE_VENUES });
  const key = async (scopes: string[]) => (await t.http.post("/v1/api-keys").set(t.auth()).send({ name: scopes.join("-"), scopes })).body.key as string;
  writeKey = await key(["write"]);
  readKey = await key(["read"]);
});
afterAll(() => t.close());

const db = () => t.services.database.db;
const at = (offsetMs: number) => new Date(clock.now().getTime() + offsetMs);

function stage(id: string, body: Record<string, unknown>, key = t.adminKey) {
  return t.http.post(`/v1/strategies/${id}/stage`).set(t.auth(key)).send(body);
}
async function audit(id: string, query: Record<string, string | number> = {}) {
  const res = await t.http.get(`/v1/strategies/${id}/stage-changes`).query(query).set(t.auth(readKey));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { stage: string; data: Array<Record<string, unknown>>; nextCursor: string | null };
}
async function strategyOf(id: string) {
  return (await t.http.get(`/v1/strategies/${id}`).set(t.auth())).body as Record<string, unknown>;
}

/** A backtest of the strategy, as the job runner leaves one; `finishedAt` orders them. */
async function backtest(strategyId: string, m: { profitFactor: number | null; trades: number; status?: string; finishedAt?: Date }) {
  const id = `bt_test_${++seq}`;
  const finishedAt = m.finishedAt ?? at(0);
  await insertBacktest(db(), {
    id,
    status: m.status ?? "succeeded",
    strategyId,
    request: {},
    spec: {},
    timeoutSeconds: 60,
    metrics: { profitFactor: m.profitFactor, trades: m.trades, winRate: 0.5 },
    createdAt: finishedAt,
    finishedAt,
  });
  return id;
}

/** A position the strategy opened and closed, with its gross realized PnL and its fees. */
async function closedPosition(strategyId: string, p: { realizedPnl: string; fees?: string; accountId?: string; closedAt?: Date; status?: string }) {
  const closedAt = p.closedAt ?? at(1000);
  await db()
    .insert(positions)
    .values({
      id: `pos_test_${++seq}`,
      accountId: p.accountId ?? "acc_paper",
      strategyId,
      symbol: `T${seq}/USDT`,
      openingFillId: `fil_test_${seq}`,
      contractSize: "1",
      quantity: "0",
      averageEntryPrice: "1",
      costBasis: "0",
      realizedPnl: p.realizedPnl,
      fees: p.fees ?? "0",
      status: p.status ?? "closed",
      openedAt: new Date(closedAt.getTime() - 1000),
      closedAt: p.status === "open" ? null : closedAt,
      updatedAt: closedAt,
    });
}

/** Three closed paper trades, net profit factor 2 (over 1.2). */
async function goodPaperResults(strategyId: string) {
  for (const realizedPnl of ["10", "10", "-10"]) await closedPosition(strategyId, { realizedPnl });
}

const candidate = (): Promise<CreatedStrategy> => createStrategy(t, { stage: "candidate" });

/** A strategy created in paper (the default), there for `days`, with a passing backtest and paper results. */
async function seasonedPaper(days = 15): Promise<CreatedStrategy> {
  const s = await createStrategy(t);
  clock.advance(days * DAY);
  await backtest(s.id, { profitFactor: 1.5, trades: 40 });
  await goodPaperResults(s.id);
  return s;
}

const failedRules = (body: { failedChecks: Array<{ rule: string }> }) => body.failedChecks.map((c) => c.rule);

describe("stages and modes", () => {
  it("start a strategy created as today in paper, trading paper, and audit the stage it was created in", async () => {
    const s = await createStrategy(t);
    const trail = await audit(s.id);
    expect(trail.stage).toBe("paper");
    expect(trail.data).toMatchObject([{ from: null, to: "paper", mode: "paper", reason: "created", changedBy: "key_env_admin", checks: [] }]);
    expect(await strategyOf(s.id)).toMatchObject({ stage: "paper", mode: "paper" });
    const live = await createStrategy(t, { mode: "live", accountId: "binance-test" });
    expect(await strategyOf(live.id)).toMatchObject({ stage: "live", mode: "live" });
  });

  it("create a candidate on request, disabled, and refuse a mode that disagrees with the stage", async () => {
    const c = await candidate();
    expect(await strategyOf(c.id)).toMatchObject({ stage: "candidate", mode: "disabled" });
    const clash = await t.http.post("/v1/strategies").set(t.auth()).send({ key: `clash-${++seq}`, name: "clash", stage: "candidate", mode: "paper" });
    expect(clash.status).toBe(400);
    expect(clash.body.errors).toEqual([expect.objectContaining({ path: "mode" })]);
  });

  it("refuse a PATCH that would move the mode away from the stage, and accept one that keeps it", async () => {
    const s = await createStrategy(t);
    const res = await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ mode: "disabled" });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "CONFLICT", errors: [{ path: "mode" }] });
    expect((await t.http.patch(`/v1/strategies/${s.id}`).set(t.auth()).send({ mode: "paper", pyramiding: true })).status).toBe(200);
    expect((await audit(s.id)).data).toHaveLength(1);
  });

  it("record a candidate's alerts without trading them, and trade them once it is promoted to paper", async () => {
    const s = await candidate();
    const quiet = await sendAlert(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
    expect(quiet.result).toMatchObject({ outcome: "SKIPPED", reason: "STRATEGY_MODE_DISABLED" });
    expect(quiet.trace.orders).toEqual([]);

    const backtestId = await backtest(s.id, { profitFactor: 1.5, trades: 40 });
    const res = await stage(s.id, { to: "paper", reason: "backtest looks good" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.strategy).toMatchObject({ id: s.id, stage: "paper", mode: "paper", accountId: null });
    expect(res.body.change).toMatchObject({ from: "candidate", to: "paper", mode: "paper", forced: false, backtestId, changedBy: "key_env_admin" });
    expect(res.body.change.checks.map((c: { rule: string; passed: boolean; value: number; limit: number }) => [c.rule, c.passed, c.value, c.limit])).toEqual([
      ["BACKTEST_PROFIT_FACTOR", true, 1.5, 1.2],
      ["BACKTEST_TRADES", true, 40, 3],
    ]);
    expect((await strategyOf(s.id)).mode).toBe("paper");

    const traded = await sendAlert(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
    expect(traded.trace.orders).toMatchObject([{ side: "buy", status: "filled" }]);
  });

  it("refuse moves the lifecycle does not have, with 409 and where the strategy may go", async () => {
    const c = await candidate();
    const skip = await stage(c.id, { to: "live", accountId: "binance-test", force: true });
    expect(skip.status).toBe(409);
    expect(skip.body).toMatchObject({ code: "STAGE_TRANSITION_NOT_ALLOWED", from: "candidate", to: "live", allowed: ["paper", "retired"] });
    const p = await createStrategy(t);
    expect((await stage(p.id, { to: "candidate" })).body.code).toBe("STAGE_TRANSITION_NOT_ALLOWED");
    expect((await stage(p.id, { to: "paper" })).body.code).toBe("STAGE_TRANSITION_NOT_ALLOWED");
    expect((await audit(p.id)).data).toHaveLength(1);
  });

  it("retire from any stage, stop trading, and keep retired final even for a forced change", async () => {
    const c = await candidate();
    const p = await createStrategy(t);
    const l = await seasonedPaper();
    expect((await stage(l.id, { to: "live", accountId: "binance-test" })).status).toBe(200);
    for (const s of [c, p, l]) {
      const res = await stage(s.id, { to: "retired", reason: "done" }, writeKey);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.change).toMatchObject({ to: "retired", mode: "disabled", checks: [] });
      expect((await strategyOf(s.id)).mode).toBe("disabled");
    }
    const alert = await sendAlert(t, p, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
    expect(alert.result).toMatchObject({ outcome: "SKIPPED", reason: "STRATEGY_MODE_DISABLED" });
    for (const to of ["paper", "live", "candidate", "retired"]) {
      const res = await stage(p.id, { to, force: true });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: "STAGE_TRANSITION_NOT_ALLOWED", allowed: [] });
    }
    expect((await audit(p.id)).stage).toBe("retired");
  });
});

describe("candidate → paper", () => {
  it("needs a succeeded backtest of this strategy, and changes nothing when refused", async () => {
    const s = await candidate();
    const other = await candidate();
    await backtest(other.id, { profitFactor: 3, trades: 100 });
    await backtest(s.id, { profitFactor: 3, trades: 100, status: "failed" });
    const res = await stage(s.id, { to: "paper" });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("PROMOTION_REFUSED");
    expect(res.body.failedChecks).toMatchObject([
      { rule: "BACKTEST_PROFIT_FACTOR", value: null, limit: 1.2 },
      { rule: "BACKTEST_TRADES", value: null, limit: 3 },
    ]);
    const trail = await audit(s.id);
    expect(trail.stage).toBe("candidate");
    expect(trail.data.map((r) => [r.from, r.to])).toEqual([[null, "candidate"]]);
    expect((await strategyOf(s.id)).mode).toBe("disabled");
  });

  it("refuses a profit factor under the limit alone, and a trade count under it alone", async () => {
    const lowFactor = await candidate();
    await backtest(lowFactor.id, { profitFactor: 1.19, trades: 40 });
    const a = await stage(lowFactor.id, { to: "paper" });
    expect(a.status).toBe(422);
    expect(a.body.failedChecks).toEqual([expect.objectContaining({ rule: "BACKTEST_PROFIT_FACTOR", passed: false, value: 1.19, limit: 1.2 })]);
    expect(a.body.checks).toHaveLength(2);

    const fewTrades = await candidate();
    await backtest(fewTrades.id, { profitFactor: 2, trades: 2 });
    const b = await stage(fewTrades.id, { to: "paper" });
    expect(b.status).toBe(422);
    expect(b.body.failedChecks).toEqual([expect.objectContaining({ rule: "BACKTEST_TRADES", value: 2, limit: 3 })]);
  });

  it("judges by the backtest that finished last, not the best one", async () => {
    const s = await candidate();
    await backtest(s.id, { profitFactor: 2, trades: 40, finishedAt: at(-2 * DAY) });
    const latest = await backtest(s.id, { profitFactor: 1.1, trades: 40, finishedAt: at(-DAY) });
    const res = await stage(s.id, { to: "paper" });
    expect(res.status).toBe(422);
    expect(res.body.failedChecks[0].detail).toContain(latest);
  });
});

describe("paper → live", () => {
  it("goes live on an exchange account once every threshold holds, and only then", async () => {
    const s = await seasonedPaper();
    const noAccount = await stage(s.id, { to: "live" });
    expect(noAccount.status).toBe(422);
    expect(noAccount.body.code).toBe("ACCOUNT_MODE_MISMATCH");
    expect((await audit(s.id)).stage).toBe("paper");

    const res = await stage(s.id, { to: "live", accountId: "binance-test", reason: "two weeks of paper" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.strategy).toMatchObject({ stage: "live", mode: "live", accountId: "binance-test" });
    expect(res.body.change.checks.map((c: { rule: string; passed: boolean; value: number }) => [c.rule, c.passed, c.value])).toEqual([
      ["BACKTEST_PROFIT_FACTOR", true, 1.5],
      ["BACKTEST_TRADES", true, 40],
      ["PAPER_DAYS", true, expect.closeTo(15, 2)],
      ["PAPER_TRADES", true, 3],
      ["PAPER_PROFIT_FACTOR", true, 2],
    ]);
  });

  it("refuses each threshold failing alone", async () => {
    const refusedBy = async (s: CreatedStrategy) => {
      const res = await stage(s.id, { to: "live", accountId: "binance-test" });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      return failedRules(res.body);
    };
    const young = await createStrategy(t);
    await backtest(young.id, { profitFactor: 1.5, trades: 40 });
    await goodPaperResults(young.id);
    clock.advance(14 * DAY - 60_000);
    expect(await refusedBy(young)).toEqual(["PAPER_DAYS"]);

    const weakBacktest = await seasonedPaper();
    await backtest(weakBacktest.id, { profitFactor: 1.1, trades: 40, finishedAt: at(DAY) });
    expect(await refusedBy(weakBacktest)).toEqual(["BACKTEST_PROFIT_FACTOR"]);

    const shortBacktest = await seasonedPaper();
    await backtest(shortBacktest.id, { profitFactor: 1.5, trades: 2, finishedAt: at(DAY) });
    expect(await refusedBy(shortBacktest)).toEqual(["BACKTEST_TRADES"]);

    const fewTrades = await createStrategy(t);
    clock.advance(15 * DAY);
    await backtest(fewTrades.id, { profitFactor: 1.5, trades: 40 });
    for (const realizedPnl of ["10", "-5"]) await closedPosition(fewTrades.id, { realizedPnl });
    expect(await refusedBy(fewTrades)).toEqual(["PAPER_TRADES"]);

    // Gross, 24 / 20 would pass; net of fees it is 23 / 20 = 1.15.
    const feeEaten = await createStrategy(t);
    clock.advance(15 * DAY);
    await backtest(feeEaten.id, { profitFactor: 1.5, trades: 40 });
    await closedPosition(feeEaten.id, { realizedPnl: "12", fees: "0.5" });
    await closedPosition(feeEaten.id, { realizedPnl: "12", fees: "0.5" });
    await closedPosition(feeEaten.id, { realizedPnl: "-20" });
    const res = await stage(feeEaten.id, { to: "live", accountId: "binance-test" });
    expect(res.body.failedChecks).toEqual([expect.objectContaining({ rule: "PAPER_PROFIT_FACTOR", value: 1.15, limit: 1.2 })]);
  });

  it("counts only the strategy's positions closed on paper accounts since it entered paper", async () => {
    const s = await candidate();
    await closedPosition(s.id, { realizedPnl: "50", closedAt: at(-DAY) });
    await backtest(s.id, { profitFactor: 1.5, trades: 40 });
    expect((await stage(s.id, { to: "paper" })).status).toBe(200);
    clock.advance(15 * DAY);
    await closedPosition(s.id, { realizedPnl: "10" });
    await closedPosition(s.id, { realizedPnl: "40", accountId: "binance-test" });
    await closedPosition(s.id, { realizedPnl: "30", status: "open" });
    await closedPosition(s.id, { realizedPnl: "-10" });
    const res = await stage(s.id, { to: "live", accountId: "binance-test" });
    const paperTrades = res.body.failedChecks.find((c: { rule: string }) => c.rule === "PAPER_TRADES");
    expect(paperTrades).toMatchObject({ value: 2, limit: 3 });
    expect(failedRules(res.body)).toEqual(["PAPER_TRADES", "PAPER_PROFIT_FACTOR"]);
  });

  it("counts days from the change that moved it to paper, and a demotion starts them again", async () => {
    const s = await candidate();
    clock.advance(30 * DAY);
    await backtest(s.id, { profitFactor: 1.5, trades: 40 });
    await stage(s.id, { to: "paper" });
    await goodPaperResults(s.id);
    clock.advance(13 * DAY);
    expect(failedRules((await stage(s.id, { to: "live", accountId: "binance-test" })).body)).toEqual(["PAPER_DAYS"]);
    clock.advance(DAY + 60_000);
    expect((await stage(s.id, { to: "live", accountId: "binance-test" })).status).toBe(200);

    const down = await stage(s.id, { to: "paper", reason: "drawdown" }, writeKey);
    expect(down.status, JSON.stringify(down.body)).toBe(200);
    // Demotion needs no thresholds, and leaves the exchange account for the shared paper account.
    expect(down.body.change).toMatchObject({ from: "live", to: "paper", mode: "paper", accountId: null, checks: [] });
    expect(down.body.strategy).toMatchObject({ mode: "paper", accountId: null });
    await goodPaperResults(s.id);
    expect(failedRules((await stage(s.id, { to: "live", accountId: "binance-test" })).body)).toEqual(["PAPER_DAYS"]);
  });
});

describe("force", () => {
  it("needs the admin scope, and is audited as forced with the checks it overrode", async () => {
    const s = await candidate();
    const denied = await stage(s.id, { to: "paper", force: true }, writeKey);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("FORBIDDEN");
    expect((await audit(s.id)).stage).toBe("candidate");

    const forced = await stage(s.id, { to: "paper", force: true, reason: "manual review" });
    expect(forced.status).toBe(200);
    expect(forced.body.change).toMatchObject({ forced: true, reason: "manual review", backtestId: null });
    expect(forced.body.change.checks.map((c: { passed: boolean }) => c.passed)).toEqual([false, false]);
    expect((await audit(s.id)).data[0]).toMatchObject({ forced: true, to: "paper" });
  });
});

describe("GET /v1/strategies/{id}/stage-changes", () => {
  it("lists every change newest first, with who, when, why and the checks, a page at a time", async () => {
    const s = await candidate();
    await backtest(s.id, { profitFactor: 1.5, trades: 40 });
    await stage(s.id, { to: "paper", reason: "promote" }, writeKey);
    clock.advance(1000);
    await stage(s.id, { to: "retired", reason: "replaced" });
    const trail = await audit(s.id);
    expect(trail.stage).toBe("retired");
    expect(trail.data.map((r) => [r.from, r.to, r.reason])).toEqual([
      ["paper", "retired", "replaced"],
      ["candidate", "paper", "promote"],
      [null, "candidate", "created"],
    ]);
    const writer = (await t.http.get("/v1/api-keys").set(t.auth())).body.data.find((k: { name: string }) => k.name === "write");
    expect(trail.data[1]).toMatchObject({ strategyId: s.id, mode: "paper", forced: false, changedBy: writer.id, checks: [{ passed: true }, { passed: true }] });
    expect(Date.parse(trail.data[0]?.changedAt as string)).toBeGreaterThan(Date.parse(trail.data[1]?.changedAt as string));

    const first = await audit(s.id, { limit: 2 });
    expect(first.data).toHaveLength(2);
    const rest = await audit(s.id, { limit: 2, cursor: first.nextCursor as string });
    expect(rest).toMatchObject({ data: [{ to: "candidate" }], nextCursor: null });
  });
});

describe("errors and auth", () => {
  it("answers 404 for an unknown strategy and 400 for a malformed change", async () => {
    expect((await stage("stg_nope", { to: "paper" })).status).toBe(404);
    expect((await t.http.get("/v1/strategies/stg_nope/stage-changes").set(t.auth())).status).toBe(404);
    const s = await createStrategy(t);
    const bad = await stage(s.id, { to: "archived", extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["extra", "to"]);
    const account = await stage(s.id, { to: "retired", accountId: "binance-test" });
    expect(account.status).toBe(400);
    expect(account.body.errors).toEqual([expect.objectContaining({ path: "accountId" })]);
    expect((await t.http.get(`/v1/strategies/${s.id}/stage-changes`).query({ cursor: "x" }).set(t.auth())).status).toBe(400);
  });

  it("needs a key, write to change a stage and read to list the changes", async () => {
    const s = await createStrategy(t);
    expect((await t.http.post(`/v1/strategies/${s.id}/stage`).send({ to: "retired" })).status).toBe(401);
    expect((await stage(s.id, { to: "retired" }, readKey)).status).toBe(403);
    expect((await t.http.get(`/v1/strategies/${s.id}/stage-changes`)).status).toBe(401);
    expect((await audit(s.id)).stage).toBe("paper");
  });
});
