import { z } from "@hono/zod-openapi";
import { STAGE_CHECK_RULES } from "../../../strategy/lifecycle/thresholds.js";
import { ProblemSchema } from "../../openapi.js";
import { StrategySchema, StrategyStageSchema } from "./schemas.js";

export const StageCheckSchema = z
  .object({
    rule: z.enum(STAGE_CHECK_RULES).openapi({
      description:
        "BACKTEST_*: the strategy's latest succeeded backtest (by finish time). PAPER_*: its positions closed on paper " +
        "accounts since it last entered paper, realized PnL net of fees; PAPER_DAYS: days since it entered paper.",
    }),
    passed: z.boolean(),
    value: z.number().nullable().openapi({
      description: "What was measured; null when there was nothing to measure, or a profit factor without a losing trade (unbounded).",
      example: 1.35,
    }),
    limit: z.number().openapi({ description: "The configured threshold (PROMOTION_MIN_*).", example: 1.2 }),
    detail: z.string().openapi({ example: "profit factor 1.35 in backtest bt_x (at least 1.2 needed)" }),
  })
  .openapi("StageCheck");

export const StageChangeSchema = z
  .object({
    id: z.number().int().openapi({ example: 17 }),
    strategyId: z.string().openapi({ example: "stg_8c1Zp2YqS0Hh3kWm" }),
    from: StrategyStageSchema.nullable().openapi({ description: "null: the stage the strategy was created in." }),
    to: StrategyStageSchema,
    mode: z.enum(["paper", "live", "disabled"]).openapi({ description: "The configuration's mode from this change on." }),
    accountId: z.string().nullable().openapi({ description: "The account from this change on; null: the shared paper account." }),
    reason: z.string().nullable(),
    forced: z.boolean().openapi({ description: "An admin asked to skip the thresholds; `checks` shows what they were." }),
    checks: z.array(StageCheckSchema).openapi({ description: "The thresholds as evaluated; empty for a demotion or a retirement." }),
    backtestId: z.string().nullable().openapi({ description: "The backtest the checks read, if any." }),
    changedBy: z.string().openapi({ description: "The API key that made the change.", example: "key_Qm3x9Lr2Vb7Tn1Pc" }),
    changedAt: z.iso.datetime(),
  })
  .openapi("StageChange");

export const ChangeStageBodySchema = z
  .object({
    to: StrategyStageSchema,
    reason: z.string().trim().min(1).max(500).optional().openapi({ example: "30 days of paper above target" }),
    force: z.boolean().default(false).openapi({
      description: "Needs the `admin` scope: make the change even when thresholds fail. The checks are still evaluated and audited.",
    }),
    accountId: z.string().min(1).max(64).nullable().optional().openapi({
      description:
        "With `to` paper or live: the account to trade on from now on (null: the shared paper account). Absent: the " +
        "current one, except that a move to paper leaves an exchange account for the shared paper account.",
      example: "binance-main",
    }),
  })
  .strict()
  .refine((b) => b.accountId === undefined || b.to === "paper" || b.to === "live", { path: ["accountId"], error: "only with `to` paper or live" })
  .openapi("ChangeStageRequest");

export const StageChangeResultSchema = z
  .object({ strategy: StrategySchema, change: StageChangeSchema })
  .openapi("StageChangeResult");

export const StageChangeProblemSchema = ProblemSchema.extend({
  from: StrategyStageSchema.optional(),
  to: StrategyStageSchema.optional(),
  allowed: z.array(StrategyStageSchema).optional().openapi({ description: "STAGE_TRANSITION_NOT_ALLOWED: where the strategy may move." }),
  checks: z.array(StageCheckSchema).optional().openapi({ description: "PROMOTION_REFUSED: every check evaluated." }),
  failedChecks: z.array(StageCheckSchema).optional().openapi({ description: "PROMOTION_REFUSED: the checks that failed, each with its value and limit." }),
}).openapi("StageChangeProblem");

export const StageChangePageSchema = z
  .object({
    stage: StrategyStageSchema.openapi({ description: "The strategy's stage now." }),
    data: z.array(StageChangeSchema),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next (older) page; null at the end." }),
  })
  .openapi("StageChangePage");
