import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { strategies } from "./strategies.js";

/**
 * One parameter search job and, once it has run, its ranking. Like a backtest row, the row is the
 * job's truth: the queue only delivers its id. The result is one JSON document (the ranking holds
 * metrics and scores, never trades), so a finished search is read back in one query.
 */
export const parameterSearches = pgTable(
  "parameter_searches",
  {
    id: text("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
    status: text("status").notNull(),
    strategyId: text("strategy_id").references(() => strategies.id),
    /** The request as validated, defaults filled in, search options included: what the client asked for. */
    request: jsonb("request").notNull(),
    /** The BacktestSpec every candidate runs, its built-in strategy carrying the base params. */
    spec: jsonb("spec").notNull(),
    /** Valid candidates the space gave at submission: the in-sample phase's total. */
    candidates: integer("candidates").notNull(),
    timeoutSeconds: integer("timeout_seconds").notNull(),
    /** in_sample or out_of_sample; null until the first candidate has run. */
    progressPhase: text("progress_phase"),
    progressDone: integer("progress_done").notNull().default(0),
    progressTotal: integer("progress_total").notNull().default(0),
    /** The SearchResult (see src/backtest/research/search-parameters.ts). */
    result: jsonb("result"),
    rankingHash: text("ranking_hash"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    /** `<instance id>/<boot nonce>` of the process running it, as for backtests. */
    runner: text("runner"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("parameter_searches_status_seq_idx").on(t.status, t.seq),
    index("parameter_searches_strategy_seq_idx").on(t.strategyId, t.seq),
    index("parameter_searches_running_idx")
      .on(t.runner)
      .where(sql`${t.status} = 'running'`),
  ],
);

export type ParameterSearchRow = typeof parameterSearches.$inferSelect;
export type NewParameterSearchRow = typeof parameterSearches.$inferInsert;
