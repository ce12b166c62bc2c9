import { z } from "zod";
import type { BacktestMetrics } from "../types.js";

/**
 * How a run is scored; every definition and the reason for each default is in
 * docs/backtest-research.md. Weights are not normalized: only the order they induce matters.
 */
export const FitnessOptionsSchema = z.strictObject({
  weights: z
    .strictObject({
      profitFactor: z.number().min(0).default(0.5),
      winRate: z.number().min(0).default(0.2),
      maxDrawdown: z.number().min(0).default(0.3),
    })
    .prefault({}),
  /** Profit factors above this count as this: a handful of lucky trades should not dominate. */
  profitFactorCap: z.number().gt(0).max(1000).default(3),
  /** Fewer closed trades than this and the run scores null: too few to judge. */
  minTrades: z.int().min(1).max(1_000_000).default(10),
});
export type FitnessOptions = z.infer<typeof FitnessOptionsSchema>;
export type FitnessOptionsInput = z.input<typeof FitnessOptionsSchema>;

export const DEFAULT_FITNESS: FitnessOptions = FitnessOptionsSchema.parse({});

/**
 * An out-of-sample fitness this far below the in-sample one flags overfitting: it lost more than
 * OVERFIT_RELATIVE_DROP of its in-sample fitness's magnitude, and at least OVERFIT_ABSOLUTE_DROP
 * (the floor keeps a near-zero in-sample fitness from flagging on noise).
 */
export const OVERFIT_RELATIVE_DROP = 0.5;
export const OVERFIT_ABSOLUTE_DROP = 0.1;

type Scored = Pick<BacktestMetrics, "profitFactor" | "winRate" | "maxDrawdown" | "trades">;

/**
 * w_pf × min(PF, cap) / cap + w_wr × winRate − w_dd × maxDrawdown, or null with fewer than
 * minTrades trades. A null profit factor with trades means no losing trade: it counts as the cap,
 * unless nothing won either (every trade exactly flat), which is breakeven, 1.
 */
export function fitness(metrics: Scored, options: FitnessOptions = DEFAULT_FITNESS): number | null {
  if (metrics.trades < options.minTrades || metrics.winRate === null) return null;
  const cap = options.profitFactorCap;
  const pf = metrics.profitFactor !== null ? Math.min(metrics.profitFactor, cap) : metrics.winRate > 0 ? cap : Math.min(1, cap);
  const { weights } = options;
  return (weights.profitFactor * pf) / cap + weights.winRate * metrics.winRate - weights.maxDrawdown * metrics.maxDrawdown;
}

/**
 * Best first: higher fitness, null (too few trades) last, and equal fitness ordered by the
 * candidate's canonical params text (code-unit order, not locale) so the ranking is total.
 */
export function compareRanked(a: { readonly fitness: number | null; readonly key: string }, b: { readonly fitness: number | null; readonly key: string }): number {
  if (a.fitness !== b.fitness) {
    if (a.fitness === null) return 1;
    if (b.fitness === null) return -1;
    return b.fitness - a.fitness;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export type OverfitHint = {
  /** In-sample fitness − out-of-sample fitness; null when either is null. */
  readonly fitnessDrop: number | null;
  /** true when the drop exceeds max(0.5 × |in-sample|, 0.1); null when it cannot be judged. */
  readonly overfit: boolean | null;
};

export function overfitHint(inSample: number | null, outOfSample: number | null): OverfitHint {
  if (inSample === null || outOfSample === null) return { fitnessDrop: null, overfit: null };
  const drop = inSample - outOfSample;
  return { fitnessDrop: drop, overfit: drop > Math.max(OVERFIT_RELATIVE_DROP * Math.abs(inSample), OVERFIT_ABSOLUTE_DROP) };
}
