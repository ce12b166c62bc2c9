import type { StrategyConfig } from "../../domain/strategy-config.js";

/**
 * A strategy's lifecycle: candidate → paper → live, demoted from live back to paper, and retired from
 * anywhere. Each stage fixes the configuration's mode, so the stage says what a signal does.
 */
export const STRATEGY_STAGES = ["candidate", "paper", "live", "retired"] as const;
export type StrategyStage = (typeof STRATEGY_STAGES)[number];

/** A candidate does not trade yet and a retired strategy no longer does: their signals are only recorded. */
export const MODE_OF_STAGE: Readonly<Record<StrategyStage, StrategyConfig["mode"]>> = {
  candidate: "disabled",
  paper: "paper",
  live: "live",
  retired: "disabled",
};

/** promotion: gated by thresholds. demotion and retirement: always allowed (they reduce risk). */
export type TransitionKind = "promotion" | "demotion" | "retirement";

const TRANSITIONS: Readonly<Record<StrategyStage, Partial<Record<StrategyStage, TransitionKind>>>> = {
  candidate: { paper: "promotion", retired: "retirement" },
  paper: { live: "promotion", retired: "retirement" },
  live: { paper: "demotion", retired: "retirement" },
  retired: {},
};

/** The kind of a move between stages, or undefined when it is not allowed (retired is final). */
export function transitionKind(from: StrategyStage, to: StrategyStage): TransitionKind | undefined {
  return TRANSITIONS[from][to];
}

export function allowedTargets(from: StrategyStage): StrategyStage[] {
  return Object.keys(TRANSITIONS[from]) as StrategyStage[];
}

export function isStrategyStage(value: unknown): value is StrategyStage {
  return (STRATEGY_STAGES as readonly unknown[]).includes(value);
}
