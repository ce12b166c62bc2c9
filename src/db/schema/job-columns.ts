import { sql } from "drizzle-orm";
import { bigint, boolean, index, jsonb, text, timestamp, type AnyPgColumn } from "drizzle-orm/pg-core";
import { strategies } from "./strategies.js";

/**
 * The columns a queued job's row shares (backtests, parameter_searches): the row is the job's
 * truth, so its status, cancel flag, runner and heartbeat live here. Functions, not constants: a
 * column builder belongs to the one table it is spread into.
 */

/** What a job is: first in the table, before the kind's own columns. */
export const jobIdentityColumns = () => ({
  id: text("id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
  status: text("status").notNull(),
  strategyId: text("strategy_id").references(() => strategies.id),
  /** The request as validated, defaults filled in: what the client asked for. */
  request: jsonb("request").notNull(),
  /** The BacktestSpec it resolved to at submission. */
  spec: jsonb("spec").notNull(),
});

/** How a run went and whose it is: last in the table, after the kind's results. */
export const jobRunColumns = () => ({
  errorCode: text("error_code"),
  errorMessage: text("error_message"),
  cancelRequested: boolean("cancel_requested").notNull().default(false),
  /** `<instance id>/<boot nonce>` of the process running it, so a restarted instance finds what it left behind. */
  runner: text("runner"),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true, mode: "date" }),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }),
  finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
});

type JobIndexed = { status: AnyPgColumn; seq: AnyPgColumn; strategyId: AnyPgColumn; runner: AnyPgColumn };

/** Listing by status and by strategy, newest first; and the sweep's look for running rows by runner. */
export const jobIndexes = (table: string, t: JobIndexed) => [
  index(`${table}_status_seq_idx`).on(t.status, t.seq),
  index(`${table}_strategy_seq_idx`).on(t.strategyId, t.seq),
  index(`${table}_running_idx`)
    .on(t.runner)
    .where(sql`${t.status} = 'running'`),
];
