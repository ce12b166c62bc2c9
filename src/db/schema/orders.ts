import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { money } from "./money.js";

/** Orders, in every state; the client order id is deterministic and unique, so a retry finds its twin. */
export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
    clientOrderId: text("client_order_id").notNull().unique(),
    accountId: text("account_id").notNull(),
    strategyId: text("strategy_id").notNull(),
    signalId: text("signal_id"),
    leg: integer("leg").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").notNull(),
    kind: text("kind").notNull(),
    role: text("role").notNull(),
    quantity: money("quantity").notNull(),
    limitPrice: money("limit_price"),
    stopPrice: money("stop_price"),
    reduceOnly: boolean("reduce_only").notNull(),
    parentOrderId: text("parent_order_id"),
    /** The protection an entry carries: placed as reduce-only stop and limit orders once it fills. */
    stopLossPrice: money("stop_loss_price"),
    takeProfitPrice: money("take_profit_price"),
    status: text("status").notNull(),
    filledQuantity: money("filled_quantity").notNull(),
    averageFillPrice: money("average_fill_price"),
    venueOrderId: text("venue_order_id"),
    rejectReason: text("reject_reason"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    index("orders_signal_idx").on(t.signalId),
    index("orders_strategy_seq_idx").on(t.strategyId, t.seq),
    // The order-rate check reads a strategy's orders of the last minute before every order.
    index("orders_strategy_time_idx").on(t.strategyId, t.createdAt),
    index("orders_open_idx")
      .on(t.accountId, t.symbol)
      .where(sql`${t.status} in ('new', 'submitted', 'partially_filled')`),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
