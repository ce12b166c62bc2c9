import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { money } from "./money.js";

/** Positions per account, strategy and symbol; at most one open at a time, closed ones kept with their PnL. */
export const positions = pgTable(
  "positions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    strategyId: text("strategy_id").notNull(),
    symbol: text("symbol").notNull(),
    openingFillId: text("opening_fill_id").notNull(),
    contractSize: money("contract_size").notNull(),
    quantity: money("quantity").notNull(),
    averageEntryPrice: money("average_entry_price").notNull(),
    costBasis: money("cost_basis").notNull(),
    realizedPnl: money("realized_pnl").notNull(),
    fees: money("fees").notNull(),
    status: text("status").notNull(),
    openedAt: timestamp("opened_at", { withTimezone: true, mode: "date" }).notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true, mode: "date" }),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    uniqueIndex("positions_one_open_idx")
      .on(t.accountId, t.strategyId, t.symbol)
      .where(sql`${t.status} = 'open'`),
    index("positions_strategy_idx").on(t.strategyId, t.status),
  ],
);

export type PositionRow = typeof positions.$inferSelect;
