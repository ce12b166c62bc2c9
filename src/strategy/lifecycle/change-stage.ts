import { hasScope, type Principal } from "../../auth/scopes.js";
import type { Db } from "../../db/client.js";
import { findAccountRow } from "../../db/repositories/accounts-repository.js";
import {
  closedPaperResults,
  insertStageChange,
  lastEntryInto,
  latestSucceededBacktest,
  lockStrategyStage,
  setStrategyStage,
  type StrategyStageRow,
} from "../../db/repositories/strategy-stages-repository.js";
import { StrategyConfigSchema, type StrategyConfigPatch } from "../../domain/strategy-config.js";
import { ApiError } from "../../http/errors.js";
import { updateStrategy, type StrategyContext, type StrategyView } from "../strategy-service.js";
import { toStageChangeView, type StageChangeView } from "./stage-change-view.js";
import { allowedTargets, MODE_OF_STAGE, transitionKind, type StrategyStage } from "./stages.js";
import { backtestChecks, evidenceNeeded, paperChecks, type PromotionThresholds, type StageCheck } from "./thresholds.js";

export type LifecycleContext = StrategyContext & { readonly thresholds: PromotionThresholds };

export type ChangeStageInput = {
  strategyId: string;
  to: StrategyStage;
  reason?: string | undefined;
  /** Admin only: the checks are evaluated and audited but do not bind. */
  force?: boolean | undefined;
  /** With `to` paper or live: the account to trade on from now on (null: the shared paper account). */
  accountId?: string | null | undefined;
  actor: Principal;
};

export type StageChangeResult = { strategy: StrategyView; change: StageChangeView };

/**
 * Moves a strategy to another stage. Promotions must meet the thresholds (unless an admin forces
 * them); the configuration's mode follows the stage, through the same account checks as a PATCH
 * (a live strategy needs an exchange account). The stage, the configuration and the audit row
 * commit together, with the strategy's row locked so concurrent changes run one after the other.
 */
export async function changeStage({ ctx, input }: { ctx: LifecycleContext; input: ChangeStageInput }): Promise<StageChangeResult> {
  if (input.force && !hasScope(input.actor, "admin")) {
    throw new ApiError("FORBIDDEN", "force needs an API key with the 'admin' scope");
  }
  if (input.accountId !== undefined && input.to !== "paper" && input.to !== "live") {
    const message = "only with `to` paper or live";
    throw new ApiError("VALIDATION_FAILED", `accountId goes with a move to paper or live`, { errors: [{ path: "accountId", message }] });
  }
  return ctx.db.transaction(async (tx) => {
    const row = await lockStrategyStage(tx, input.strategyId);
    if (!row) throw new ApiError("NOT_FOUND", `no strategy with id ${input.strategyId}`);
    const from = row.stage as StrategyStage;
    if (!transitionKind(from, input.to)) throw notAllowed(from, input.to);

    const now = ctx.clock.now();
    const { checks, backtestId } = await evaluate(ctx, tx, row, input.to, now);
    const failed = checks.filter((c) => !c.passed);
    if (failed.length > 0 && !input.force) {
      throw new ApiError("PROMOTION_REFUSED", `${from} → ${input.to} refused: ${failed.map((c) => c.rule).join(", ")} below the threshold`, {
        extensions: { from, to: input.to, checks, failedChecks: failed },
      });
    }

    // The stage first: the configuration's mode follows it, and a mode change is checked against it.
    await setStrategyStage(tx, row.id, input.to);
    const strategy = await updateStrategy({ ctx: { ...ctx, db: tx }, input: { id: row.id, config: await configChange(tx, row, input) } });
    const audit = await insertStageChange(tx, {
      strategyId: row.id,
      fromStage: from,
      toStage: input.to,
      mode: strategy.mode,
      accountId: strategy.accountId,
      reason: input.reason ?? null,
      forced: input.force ?? false,
      checks,
      backtestId,
      changedBy: input.actor.keyId,
      changedAt: now,
    });
    return { strategy, change: toStageChangeView(audit) };
  });
}

/**
 * The thresholds the move needs, over the latest succeeded backtest and, to go live, the paper
 * results since the strategy last entered paper (its creation, when it was created there).
 */
async function evaluate(
  ctx: LifecycleContext,
  db: Db,
  row: StrategyStageRow,
  to: StrategyStage,
  now: Date,
): Promise<{ checks: StageCheck[]; backtestId: string | null }> {
  const needed = evidenceNeeded(row.stage as StrategyStage, to);
  const backtest = needed.backtest ? await latestSucceededBacktest(db, row.id) : undefined;
  const checks = needed.backtest ? backtestChecks(backtest, ctx.thresholds) : [];
  if (needed.paper) {
    const since = (await lastEntryInto(db, row.id, "paper")) ?? row.createdAt;
    checks.push(...paperChecks({ since, now, ...(await closedPaperResults(db, row.id, since)) }, ctx.thresholds));
  }
  return { checks, backtestId: backtest?.id ?? null };
}

/**
 * The mode the stage fixes, and the account when the request names one. Moved to paper without
 * one, a strategy on an exchange account moves to the shared paper account: paper fills are booked
 * by the paper venue, which must never book them on an exchange account.
 */
async function configChange(db: Db, row: StrategyStageRow, input: ChangeStageInput): Promise<StrategyConfigPatch> {
  const mode = MODE_OF_STAGE[input.to];
  if (input.accountId !== undefined) return { mode, accountId: input.accountId };
  const current = StrategyConfigSchema.parse(row.config ?? {}).accountId;
  if (input.to === "paper" && current !== null && (await findAccountRow(db, current))?.venue !== "paper") {
    return { mode, accountId: null };
  }
  return { mode };
}

function notAllowed(from: StrategyStage, to: StrategyStage): ApiError {
  const targets = allowedTargets(from);
  const detail =
    targets.length === 0
      ? `the strategy is ${from}: retired is final`
      : `a ${from} strategy can move to ${targets.join(" or ")}, not ${to}`;
  return new ApiError("STAGE_TRANSITION_NOT_ALLOWED", detail, { extensions: { from, to, allowed: targets } });
}
