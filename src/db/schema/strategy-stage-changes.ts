import { bigint, boolean, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { strategies } from "./strategies.js";

/**
 * The audit trail of a strategy's lifecycle: one row per stage change, written in the transaction
 * that changes the stage and the mode, and never updated. `checks` holds the promotion thresholds as
 * they were evaluated (values and limits), also when an admin forced the change past them.
 */
export const strategyStageChanges = pgTable(
  "strategy_stage_changes",
  {
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity().primaryKey(),
    strategyId: text("strategy_id")
      .notNull()
      .references(() => strategies.id),
    /** null: the stage the strategy was created in. */
    fromStage: text("from_stage"),
    toStage: text("to_stage").notNull(),
    /** The configuration's mode and account from this change on. */
    mode: text("mode").notNull(),
    accountId: text("account_id"),
    reason: text("reason"),
    forced: boolean("forced").notNull(),
    checks: jsonb("checks").notNull(),
    /** The backtest the checks read, when they read one. No foreign key: the audit outlives anything. */
    backtestId: text("backtest_id"),
    /** The API key that asked for the change. */
    changedBy: text("changed_by").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("strategy_stage_changes_strategy_idx").on(t.strategyId, t.id)],
);

export type StrategyStageChangeRow = typeof strategyStageChanges.$inferSelect;
export type NewStrategyStageChangeRow = typeof strategyStageChanges.$inferInsert;
