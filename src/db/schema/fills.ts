import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { money } from "./money.js";

export const fills = pgTable(
  "fills",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    accountId: text("account_id").notNull(),
    strategyId: text("strategy_id").notNull(),
    positionId: text("position_id").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").notNull(),
    quantity: money("quantity").notNull(),
    price: money("price").notNull(),
    fee: money("fee").notNull(),
    liquidity: text("liquidity").notNull(),
    realizedPnl: money("realized_pnl").notNull(),
    filledAt: timestamp("filled_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    index("fills_order_idx").on(t.orderId),
    index("fills_position_idx").on(t.positionId),
  ],
);

export type FillRow = typeof fills.$inferSelect;
