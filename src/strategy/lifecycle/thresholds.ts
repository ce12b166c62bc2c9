import { z } from "zod";
import { dec } from "../../domain/decimal.js";
import type { StrategyStage } from "./stages.js";

/** From PROMOTION_MIN_PROFIT_FACTOR, PROMOTION_MIN_TRADES and PROMOTION_MIN_PAPER_DAYS. */
export type PromotionThresholds = {
  readonly minProfitFactor: number;
  readonly minTrades: number;
  readonly minPaperDays: number;
};

export function promotionThresholds(config: {
  readonly PROMOTION_MIN_PROFIT_FACTOR: string;
  readonly PROMOTION_MIN_TRADES: number;
  readonly PROMOTION_MIN_PAPER_DAYS: number;
}): PromotionThresholds {
  return {
    minProfitFactor: Number(config.PROMOTION_MIN_PROFIT_FACTOR),
    minTrades: config.PROMOTION_MIN_TRADES,
    minPaperDays: config.PROMOTION_MIN_PAPER_DAYS,
  };
}

export const STAGE_CHECK_RULES = [
  "BACKTEST_PROFIT_FACTOR",
  "BACKTEST_TRADES",
  "PAPER_DAYS",
  "PAPER_TRADES",
  "PAPER_PROFIT_FACTOR",
] as const;
export type StageCheckRule = (typeof STAGE_CHECK_RULES)[number];

/** One threshold as evaluated. `value` is null when there is nothing to measure, or the profit factor is unbounded. */
export type StageCheck = {
  readonly rule: StageCheckRule;
  readonly passed: boolean;
  readonly value: number | null;
  readonly limit: number;
  readonly detail: string;
};

/** The strategy's latest succeeded backtest; `metrics` as stored (BacktestMetrics json). */
export type BacktestEvidence = { readonly id: string; readonly metrics: unknown };

/**
 * The strategy's closed positions on paper accounts since it last entered the paper stage, their
 * realized PnL net of fees summed apart: `grossWin` over the winners, `grossLoss` the magnitude over
 * the losers (both exact decimal text).
 */
export type PaperEvidence = {
  readonly since: Date;
  readonly now: Date;
  readonly trades: number;
  readonly grossWin: string;
  readonly grossLoss: string;
};

/** Which results a move needs: entering paper needs a backtest, going live needs paper results too. */
export function evidenceNeeded(from: StrategyStage, to: StrategyStage): { backtest: boolean; paper: boolean } {
  if (from === "candidate" && to === "paper") return { backtest: true, paper: false };
  if (from === "paper" && to === "live") return { backtest: true, paper: true };
  return { backtest: false, paper: false };
}

const StoredMetrics = z.object({
  profitFactor: z.number().nullable(),
  trades: z.number().int().min(0),
  winRate: z.number().nullable().optional(),
});

export function backtestChecks(backtest: BacktestEvidence | undefined, t: PromotionThresholds): StageCheck[] {
  const missing = (detail: string): StageCheck[] => [
    { rule: "BACKTEST_PROFIT_FACTOR", passed: false, value: null, limit: t.minProfitFactor, detail },
    { rule: "BACKTEST_TRADES", passed: false, value: null, limit: t.minTrades, detail },
  ];
  if (!backtest) return missing("no succeeded backtest of this strategy");
  const metrics = StoredMetrics.safeParse(backtest.metrics);
  if (!metrics.success) return missing(`backtest ${backtest.id} has no readable metrics`);
  const { profitFactor, trades, winRate } = metrics.data;
  // The stored factor is null without a losing trade: unbounded when something won, undefined when nothing did.
  const unbounded = profitFactor === null && trades > 0 && (winRate ?? 0) > 0;
  return [
    profitFactorCheck("BACKTEST_PROFIT_FACTOR", `backtest ${backtest.id}`, profitFactor, unbounded, profitFactor !== null && profitFactor >= t.minProfitFactor, t),
    tradesCheck("BACKTEST_TRADES", `backtest ${backtest.id}`, trades, t),
  ];
}

const DAY_MS = 86_400_000;

export function paperChecks(paper: PaperEvidence, t: PromotionThresholds): StageCheck[] {
  const days = (paper.now.getTime() - paper.since.getTime()) / DAY_MS;
  // Rounded down, so a value shown as meeting the limit always does.
  const shownDays = Math.floor(days * 1000) / 1000;
  const win = dec(paper.grossWin);
  const loss = dec(paper.grossLoss);
  const factor = loss.gt(0) ? win.div(loss) : undefined;
  const where = `paper trading since ${paper.since.toISOString()}`;
  return [
    {
      rule: "PAPER_DAYS",
      passed: days >= t.minPaperDays,
      value: shownDays,
      limit: t.minPaperDays,
      detail: `${shownDays} days in paper since ${paper.since.toISOString()} (at least ${t.minPaperDays} needed)`,
    },
    tradesCheck("PAPER_TRADES", where, paper.trades, t),
    // Compared exactly: the sums are money, and a factor of exactly the limit passes.
    profitFactorCheck("PAPER_PROFIT_FACTOR", where, factor ? factor.toNumber() : null, !factor && win.gt(0), factor ? factor.gte(t.minProfitFactor) : false, t),
  ];
}

function tradesCheck(rule: StageCheckRule, where: string, trades: number, t: PromotionThresholds): StageCheck {
  return { rule, passed: trades >= t.minTrades, value: trades, limit: t.minTrades, detail: `${trades} closed trades in ${where} (at least ${t.minTrades} needed)` };
}

/** A limit of 0 turns the check off; an unbounded factor (wins, no losses) meets any limit. */
function profitFactorCheck(
  rule: StageCheckRule,
  where: string,
  value: number | null,
  unbounded: boolean,
  meets: boolean,
  t: PromotionThresholds,
): StageCheck {
  const limit = t.minProfitFactor;
  const passed = limit <= 0 || unbounded || meets;
  const detail =
    value !== null
      ? `profit factor ${value} in ${where} (at least ${limit} needed)`
      : unbounded
        ? `no losing trade in ${where}: the profit factor is unbounded`
        : `no winning or losing trade in ${where}: no profit factor`;
  return { rule, passed, value, limit, detail };
}
