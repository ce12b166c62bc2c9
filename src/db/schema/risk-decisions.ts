import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Every accept, resize and denial, with its reason code and the limit that fired (invariant 5). */
export const riskDecisions = pgTable(
  "risk_decisions",
  {
    id: text("id").primaryKey(),
    signalId: text("signal_id"),
    strategyId: text("strategy_id").notNull(),
    accountId: text("account_id").notNull(),
    symbol: text("symbol").notNull(),
    leg: integer("leg").notNull(),
    outcome: text("outcome").notNull(),
    reason: text("reason"),
    limitText: text("limit_text"),
    orderId: text("order_id"),
    request: jsonb("request").notNull(),
    checks: jsonb("checks").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  // By order: an idempotent replay returns the decision that placed the order it finds.
  (t) => [index("risk_decisions_signal_idx").on(t.signalId), index("risk_decisions_order_idx").on(t.orderId)],
);

export type RiskDecisionRow = typeof riskDecisions.$inferSelect;
