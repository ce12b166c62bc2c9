import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The kill switch, stored so it survives a restart: one row per scope ("global", or "strategy" with
 * the strategy's id). No row means ACTIVE. Only an explicit PUT changes a row back to ACTIVE; the
 * risk engine may move a scope to REDUCING or HALTED by itself (daily loss), never back.
 */
export const tradingStates = pgTable(
  "trading_states",
  {
    scope: text("scope").notNull(),
    scopeId: text("scope_id").notNull(),
    state: text("state").notNull(),
    reason: text("reason").notNull(),
    changedBy: text("changed_by").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeId] })],
);

export type TradingStateRow = typeof tradingStates.$inferSelect;
