import type { StrategyStageChangeRow } from "../../db/schema/strategy-stage-changes.js";
import type { StrategyConfig } from "../../domain/strategy-config.js";
import type { StrategyStage } from "./stages.js";
import type { StageCheck } from "./thresholds.js";

/** One audited stage change, as the API shows it. */
export type StageChangeView = {
  id: number;
  strategyId: string;
  /** null: the stage the strategy was created in. */
  from: StrategyStage | null;
  to: StrategyStage;
  mode: StrategyConfig["mode"];
  accountId: string | null;
  reason: string | null;
  forced: boolean;
  checks: StageCheck[];
  backtestId: string | null;
  changedBy: string;
  changedAt: string;
};

export function toStageChangeView(row: StrategyStageChangeRow): StageChangeView {
  return {
    id: row.id,
    strategyId: row.strategyId,
    from: row.fromStage as StrategyStage | null,
    to: row.toStage as StrategyStage,
    mode: row.mode as StrategyConfig["mode"],
    accountId: row.accountId,
    reason: row.reason,
    forced: row.forced,
    checks: row.checks as StageCheck[],
    backtestId: row.backtestId,
    changedBy: row.changedBy,
    changedAt: row.changedAt.toISOString(),
  };
}
