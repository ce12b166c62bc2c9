import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { strategies } from "./strategies.js";

/**
 * The signal ledger. One row per command of a delivery (a TradingView alert may carry several);
 * the rows of one delivery share `delivery_id`. A row is also the queue entry: `queued` rows are
 * taken one lane (strategy + symbol) at a time, in `seq` order.
 */
export const signals = pgTable(
  "signals",
  {
    id: text("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
    deliveryId: text("delivery_id").notNull(),
    commandIndex: integer("command_index").notNull(),
    strategyId: text("strategy_id")
      .notNull()
      .references(() => strategies.id),
    source: text("source").notNull(),
    status: text("status").notNull(),
    symbol: text("symbol"),
    /** strategy id + symbol: signals of one lane are processed one at a time, in order. */
    lane: text("lane"),
    signal: jsonb("signal"),
    rejectCode: text("reject_code"),
    rejectReason: text("reject_reason"),
    rejectDetail: text("reject_detail"),
    notes: jsonb("notes").$type<string[]>().notNull(),
    format: text("format"),
    /** The body as received, with every secret value replaced. */
    rawBody: text("raw_body").notNull(),
    contentType: text("content_type"),
    sourceAddress: text("source_address"),
    alertId: text("alert_id"),
    webhookId: text("webhook_id"),
    webhookTimestamp: timestamp("webhook_timestamp", { withTimezone: true, mode: "date" }),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    claimedBy: text("claimed_by"),
    claimExpiresAt: timestamp("claim_expires_at", { withTimezone: true, mode: "date" }),
    processedAt: timestamp("processed_at", { withTimezone: true, mode: "date" }),
    result: jsonb("result"),
  },
  (t) => [
    index("signals_strategy_seq_idx").on(t.strategyId, t.seq),
    index("signals_status_seq_idx").on(t.status, t.seq),
    index("signals_delivery_idx").on(t.deliveryId),
    index("signals_open_lane_idx")
      .on(t.lane, t.seq)
      .where(sql`${t.status} in ('queued', 'processing')`),
  ],
);

export type SignalRow = typeof signals.$inferSelect;
export type NewSignalRow = typeof signals.$inferInsert;
