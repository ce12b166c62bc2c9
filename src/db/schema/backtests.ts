import { bigint, doublePrecision, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { jobIdentityColumns, jobIndexes, jobRunColumns } from "./job-columns.js";

/**
 * One backtest job and, once it has run, its outcome. The row is the job's truth: the queue only
 * delivers its id, so a job delivered twice, or after it was cancelled, finds the row not `queued`
 * and does nothing. Trades and the equity curve live in their own tables. `spec` is the
 * BacktestSpec as stored: a replay's signals are read when it runs.
 */
export const backtests = pgTable(
  "backtests",
  {
    ...jobIdentityColumns(),
    timeoutSeconds: integer("timeout_seconds").notNull(),
    progress: doublePrecision("progress").notNull().default(0),
    candlesTotal: bigint("candles_total", { mode: "number" }).notNull().default(0),
    candlesProcessed: bigint("candles_processed", { mode: "number" }).notNull().default(0),
    metrics: jsonb("metrics"),
    /** Candles, signals, orders and refusals by reason code. */
    summary: jsonb("summary"),
    tradesCount: integer("trades_count"),
    tradesHash: text("trades_hash"),
    ...jobRunColumns(),
  },
  (t) => jobIndexes("backtests", t),
);

export type BacktestRow = typeof backtests.$inferSelect;
export type NewBacktestRow = typeof backtests.$inferInsert;
