import type { Db } from "../../db/client.js";
import { insertStageChange, setStrategyStage } from "../../db/repositories/strategy-stages-repository.js";
import type { StrategyConfig } from "../../domain/strategy-config.js";
import { toStageChangeView, type StageChangeView } from "./stage-change-view.js";
import { MODE_OF_STAGE, type StrategyStage } from "./stages.js";

/**
 * The stage a new strategy starts in: the one asked for, else the one its mode implies, so a
 * request without a stage keeps meaning what it did before stages (paper by default, live with
 * mode live). undefined when the two disagree.
 */
export function initialStage(asked: StrategyStage | undefined, mode: StrategyConfig["mode"] | undefined): StrategyStage | undefined {
  if (asked === undefined) return mode === "live" ? "live" : mode === "disabled" ? "candidate" : "paper";
  return mode === undefined || MODE_OF_STAGE[asked] === mode ? asked : undefined;
}

/**
 * The stage a strategy is created in, with its audit row (from null), for the creating transaction.
 * Sets the stage only: the caller stores the configuration with the stage's mode.
 */
export async function recordInitialStage(
  db: Db,
  input: { strategyId: string; stage: StrategyStage; mode: StageChangeView["mode"]; accountId: string | null; actor: string; reason?: string; now: Date },
): Promise<StageChangeView> {
  await setStrategyStage(db, input.strategyId, input.stage);
  const row = await insertStageChange(db, {
    strategyId: input.strategyId,
    fromStage: null,
    toStage: input.stage,
    mode: input.mode,
    accountId: input.accountId,
    reason: input.reason ?? "created",
    forced: false,
    checks: [],
    backtestId: null,
    changedBy: input.actor,
    changedAt: input.now,
  });
  return toStageChangeView(row);
}
