import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { jobIdentityColumns, jobIndexes, jobRunColumns } from "./job-columns.js";

/**
 * One parameter search job and, once it has run, its ranking. Like a backtest row, the row is the
 * job's truth: the queue only delivers its id. The result is one JSON document (the ranking holds
 * metrics and scores, never trades), so a finished search is read back in one query. `request`
 * carries the search options too; `spec` is the BacktestSpec every candidate runs, its built-in
 * strategy carrying the base params.
 */
export const parameterSearches = pgTable(
  "parameter_searches",
  {
    ...jobIdentityColumns(),
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
    ...jobRunColumns(),
  },
  (t) => jobIndexes("parameter_searches", t),
);

export type ParameterSearchRow = typeof parameterSearches.$inferSelect;
export type NewParameterSearchRow = typeof parameterSearches.$inferInsert;
