import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Which delivery first claimed a dedupe key (a webhook-id, an explicit alert id, or a content
 * digest). Claiming is one INSERT … ON CONFLICT, so concurrent duplicates race inside PostgreSQL,
 * not in our code. Content keys expire after the dedupe window; explicit ids never do.
 */
export const signalDedupe = pgTable(
  "signal_dedupe",
  {
    strategyId: text("strategy_id").notNull(),
    key: text("key").notNull(),
    deliveryId: text("delivery_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [primaryKey({ columns: [t.strategyId, t.key] })],
);
