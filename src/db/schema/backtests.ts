import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { strategies } from "./strategies.js";

/**
 * One backtest job and, once it has run, its outcome. The row is the job's truth: the queue only
 * delivers its id, so a job delivered twice, or after it was cancelled, finds the row not `queued`
 * and does nothing. Trades and the equity curve live in their own tables.
 */
export const backtests = pgTable(
  "backtests",
  {
    id: text("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
    status: text("status").notNull(),
    strategyId: text("strategy_id").references(() => strategies.id),
    /** The request as validated, defaults filled in: what the client asked for. */
    request: jsonb("request").notNull(),
    /** The BacktestSpec it resolved to at submission (a replay's signals are read when it runs). */
    spec: jsonb("spec").notNull(),
    timeoutSeconds: integer("timeout_seconds").notNull(),
    progress: doublePrecision("progress").notNull().default(0),
    candlesTotal: bigint("candles_total", { mode: "number" }).notNull().default(0),
    candlesProcessed: bigint("candles_processed", { mode: "number" }).notNull().default(0),
    metrics: jsonb("metrics"),
    /** Candles, signals, orders and refusals by reason code. */
    summary: jsonb("summary"),
    tradesCount: integer("trades_count"),
    tradesHash: text("trades_hash"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    /** `<instance id>/<boot nonce>` of the process running it, so a restarted instance finds what it left behind. */
    runner: text("runner"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("backtests_status_seq_idx").on(t.status, t.seq),
    index("backtests_strategy_seq_idx").on(t.strategyId, t.seq),
    index("backtests_running_idx")
      .on(t.runner)
      .where(sql`${t.status} = 'running'`),
  ],
);

export type BacktestRow = typeof backtests.$inferSelect;
export type NewBacktestRow = typeof backtests.$inferInsert;
