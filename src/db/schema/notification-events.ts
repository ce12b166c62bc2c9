import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The notification outbox: one row per event, written in the transaction of the change it reports
 * (a fill, a denial, a halt), so an event exists exactly when its change committed. The dispatcher
 * fans each one out to the sinks that want it (notification_deliveries) and stamps `fanned_out_at`.
 */
export const notificationEvents = pgTable(
  "notification_events",
  {
    id: text("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
    type: text("type").notNull(),
    /** A test event names the one sink it is for; null: every sink whose filter takes the type. */
    sink: text("sink"),
    /** Ids, and exact decimals as strings. */
    payload: jsonb("payload").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull(),
    fannedOutAt: timestamp("fanned_out_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("notification_events_unfanned_idx").on(t.seq).where(sql`${t.fannedOutAt} is null`)],
);

export type NotificationEventRow = typeof notificationEvents.$inferSelect;
