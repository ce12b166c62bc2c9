import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { initialStage } from "../../src/strategy/lifecycle/initial-stage.js";
import { allowedTargets, MODE_OF_STAGE, STRATEGY_STAGES, transitionKind } from "../../src/strategy/lifecycle/stages.js";
import {
  backtestChecks,
  evidenceNeeded,
  paperChecks,
  promotionThresholds,
  type PaperEvidence,
  type PromotionThresholds,
  type StageCheck,
} from "../../src/strategy/lifecycle/thresholds.js";

const T: PromotionThresholds = { minProfitFactor: 1.2, minTrades: 30, minPaperDays: 14 };
const DAY = 86_400_000;
const byRule = (checks: StageCheck[]) => Object.fromEntries(checks.map((c) => [c.rule, c]));
const metrics = (m: Record<string, unknown>) => ({ id: "bt_1", metrics: { profitFactor: 1.5, trades: 40, winRate: 0.5, ...m } });
const since = new Date("2025-01-01T00:00:00Z");
const paper = (p: Partial<PaperEvidence>): PaperEvidence => ({
  since,
  now: new Date(since.getTime() + 20 * DAY),
  trades: 40,
  grossWin: "150",
  grossLoss: "100",
  ...p,
});

describe("stage transitions", () => {
  it("allow candidate → paper → live, live → paper and any → retired, and nothing out of retired", () => {
    const allowed = STRATEGY_STAGES.flatMap((from) => STRATEGY_STAGES.filter((to) => transitionKind(from, to)).map((to) => `${from}>${to}:${transitionKind(from, to)}`));
    expect(allowed.sort()).toEqual(
      [
        "candidate>paper:promotion",
        "paper>live:promotion",
        "live>paper:demotion",
        "candidate>retired:retirement",
        "paper>retired:retirement",
        "live>retired:retirement",
      ].sort(),
    );
    expect(allowedTargets("retired")).toEqual([]);
  });

  it("fix the mode: only paper and live trade", () => {
    expect(MODE_OF_STAGE).toEqual({ candidate: "disabled", paper: "paper", live: "live", retired: "disabled" });
  });

  it("start a new strategy where its request says, or where its mode implies, and refuse the two disagreeing", () => {
    expect([initialStage(undefined, undefined), initialStage(undefined, "paper"), initialStage(undefined, "live"), initialStage(undefined, "disabled")]).toEqual([
      "paper",
      "paper",
      "live",
      "candidate",
    ]);
    expect([initialStage("candidate", undefined), initialStage("candidate", "disabled"), initialStage("paper", "paper")]).toEqual(["candidate", "candidate", "paper"]);
    expect([initialStage("candidate", "paper"), initialStage("paper", "live"), initialStage("paper", "disabled")]).toEqual([undefined, undefined, undefined]);
  });

  it("need a backtest to enter paper, a backtest and paper results to go live, and nothing to step back", () => {
    expect(evidenceNeeded("candidate", "paper")).toEqual({ backtest: true, paper: false });
    expect(evidenceNeeded("paper", "live")).toEqual({ backtest: true, paper: true });
    expect(evidenceNeeded("live", "paper")).toEqual({ backtest: false, paper: false });
    expect(evidenceNeeded("paper", "retired")).toEqual({ backtest: false, paper: false });
  });
});

describe("promotion thresholds from the environment", () => {
  it("default to a profit factor of 1.2, 30 trades and 14 days, and take overrides", () => {
    const parse = (env: Record<string, string>) => {
      const r = parseConfig(env);
      if (!r.ok) throw new Error(r.errors.join("; "));
      return promotionThresholds(r.config);
    };
    expect(parse({})).toEqual(T);
    expect(parse({ PROMOTION_MIN_PROFIT_FACTOR: "1.5", PROMOTION_MIN_TRADES: "5", PROMOTION_MIN_PAPER_DAYS: "0" })).toEqual({
      minProfitFactor: 1.5,
      minTrades: 5,
      minPaperDays: 0,
    });
    const bad = parseConfig({ PROMOTION_MIN_PROFIT_FACTOR: "-1", PROMOTION_MIN_TRADES: "1.5" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.split(":")[0]).sort()).toEqual(["PROMOTION_MIN_PROFIT_FACTOR", "PROMOTION_MIN_TRADES"]);
  });
});

describe("backtest checks", () => {
  it("fail both without a backtest, or with metrics that cannot be read", () => {
    for (const checks of [backtestChecks(undefined, T), backtestChecks({ id: "bt_x", metrics: null }, T)]) {
      expect(checks.map((c) => [c.rule, c.passed, c.value, c.limit])).toEqual([
        ["BACKTEST_PROFIT_FACTOR", false, null, 1.2],
        ["BACKTEST_TRADES", false, null, 30],
      ]);
    }
  });

  it("pass at the limits and fail just under each, alone", () => {
    expect(backtestChecks(metrics({ profitFactor: 1.2, trades: 30 }), T).every((c) => c.passed)).toBe(true);
    const lowFactor = byRule(backtestChecks(metrics({ profitFactor: 1.19 }), T));
    expect([lowFactor.BACKTEST_PROFIT_FACTOR?.passed, lowFactor.BACKTEST_PROFIT_FACTOR?.value, lowFactor.BACKTEST_TRADES?.passed]).toEqual([false, 1.19, true]);
    const fewTrades = byRule(backtestChecks(metrics({ trades: 29 }), T));
    expect([fewTrades.BACKTEST_TRADES?.passed, fewTrades.BACKTEST_TRADES?.value, fewTrades.BACKTEST_PROFIT_FACTOR?.passed]).toEqual([false, 29, true]);
  });

  it("read a stored null factor as unbounded when something won, and as no factor when nothing did", () => {
    const unbounded = byRule(backtestChecks(metrics({ profitFactor: null, winRate: 1 }), T)).BACKTEST_PROFIT_FACTOR;
    expect(unbounded).toMatchObject({ passed: true, value: null });
    expect(unbounded?.detail).toContain("unbounded");
    expect(byRule(backtestChecks(metrics({ profitFactor: null, winRate: 0 }), T)).BACKTEST_PROFIT_FACTOR).toMatchObject({ passed: false, value: null });
    expect(byRule(backtestChecks(metrics({ profitFactor: null, winRate: null, trades: 0 }), T)).BACKTEST_PROFIT_FACTOR?.passed).toBe(false);
  });

  it("skip the profit factor at a limit of 0, but never the need for a backtest", () => {
    const off = { ...T, minProfitFactor: 0 };
    expect(byRule(backtestChecks(metrics({ profitFactor: 0.1 }), off)).BACKTEST_PROFIT_FACTOR?.passed).toBe(true);
    expect(backtestChecks(undefined, { ...off, minTrades: 0 }).some((c) => c.passed)).toBe(false);
  });
});

describe("paper checks", () => {
  it("pass with enough days, trades and profit, and name the window", () => {
    const checks = paperChecks(paper({}), T);
    expect(checks.map((c) => [c.rule, c.passed, c.value, c.limit])).toEqual([
      ["PAPER_DAYS", true, 20, 14],
      ["PAPER_TRADES", true, 40, 30],
      ["PAPER_PROFIT_FACTOR", true, 1.5, 1.2],
    ]);
    expect(checks[0]?.detail).toContain(since.toISOString());
  });

  it("count days to the millisecond: exactly 14 passes, a millisecond less fails and is not shown as 14", () => {
    const exact = byRule(paperChecks(paper({ now: new Date(since.getTime() + 14 * DAY) }), T)).PAPER_DAYS;
    expect(exact).toMatchObject({ passed: true, value: 14 });
    const short = byRule(paperChecks(paper({ now: new Date(since.getTime() + 14 * DAY - 1) }), T)).PAPER_DAYS;
    expect(short?.passed).toBe(false);
    expect(short?.value).toBeLessThan(14);
  });

  it("fail each of trades and profit factor alone", () => {
    const few = byRule(paperChecks(paper({ trades: 29 }), T));
    expect([few.PAPER_TRADES?.passed, few.PAPER_DAYS?.passed, few.PAPER_PROFIT_FACTOR?.passed]).toEqual([false, true, true]);
    const poor = byRule(paperChecks(paper({ grossWin: "119", grossLoss: "100" }), T));
    expect([poor.PAPER_PROFIT_FACTOR?.passed, poor.PAPER_PROFIT_FACTOR?.value, poor.PAPER_TRADES?.passed]).toEqual([false, 1.19, true]);
  });

  it("compare the factor exactly: 0.204 / 0.17 is 1.2, though floating point makes it 1.1999…", () => {
    expect(0.204 / 0.17).toBeLessThan(1.2);
    expect(byRule(paperChecks(paper({ grossWin: "0.204", grossLoss: "0.17" }), T)).PAPER_PROFIT_FACTOR).toMatchObject({ passed: true, value: 1.2 });
  });

  it("call wins without losses unbounded, and no wins nor losses no factor", () => {
    expect(byRule(paperChecks(paper({ grossWin: "5", grossLoss: "0" }), T)).PAPER_PROFIT_FACTOR).toMatchObject({ passed: true, value: null });
    expect(byRule(paperChecks(paper({ trades: 0, grossWin: "0", grossLoss: "0" }), T)).PAPER_PROFIT_FACTOR).toMatchObject({ passed: false, value: null });
    expect(byRule(paperChecks(paper({ grossWin: "0", grossLoss: "3" }), T)).PAPER_PROFIT_FACTOR).toMatchObject({ passed: false, value: 0 });
  });
});
