import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { notificationEvents } from "./notification-events.js";

/**
 * One event on its way to one sink: `pending` until a send succeeds (`delivered`) or the attempts run
 * out or the sink refuses it for good (`failed`). A dispatcher claims a due row by pushing
 * `next_attempt_at` past the send's timeout (a lease), so a crashed sender's row comes due again.
 * `last_error` is written by the dispatcher from a closed vocabulary: never a URL, token or secret.
 */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => notificationEvents.id),
    sink: text("sink").notNull(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
    eventType: text("event_type").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** Pending: when it is due (while a send is in flight, the end of its lease). Null once final. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true, mode: "date" }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastFailureAt: timestamp("last_failure_at", { withTimezone: true, mode: "date" }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.sink] }),
    index("notification_deliveries_due_idx")
      .on(t.sink, t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("notification_deliveries_sink_seq_idx").on(t.sink, t.seq),
    index("notification_deliveries_status_seq_idx").on(t.status, t.seq),
    // A sink's health: its latest success and latest failure.
    index("notification_deliveries_sink_delivered_idx").on(t.sink, t.deliveredAt),
    index("notification_deliveries_sink_failure_idx").on(t.sink, t.lastFailureAt),
  ],
);

export type NotificationDeliveryRow = typeof notificationDeliveries.$inferSelect;
