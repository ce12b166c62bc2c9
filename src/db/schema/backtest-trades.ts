import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { backtests } from "./backtests.js";
import { money } from "./money.js";

/** A backtest's round trips, in the engine's order (`seq` from 0); prices, quantities and PnL exact. */
export const backtestTrades = pgTable(
  "backtest_trades",
  {
    backtestId: text("backtest_id")
      .notNull()
      .references(() => backtests.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").notNull(),
    quantity: money("quantity").notNull(),
    entryTime: timestamp("entry_time", { withTimezone: true, mode: "date" }).notNull(),
    entryPrice: money("entry_price").notNull(),
    exitTime: timestamp("exit_time", { withTimezone: true, mode: "date" }).notNull(),
    exitPrice: money("exit_price").notNull(),
    realizedPnl: money("realized_pnl").notNull(),
    fees: money("fees").notNull(),
    netPnl: money("net_pnl").notNull(),
    exitReason: text("exit_reason").notNull(),
    bars: integer("bars").notNull(),
  },
  (t) => [primaryKey({ columns: [t.backtestId, t.seq] })],
);

export type BacktestTradeRow = typeof backtestTrades.$inferSelect;
export type NewBacktestTradeRow = typeof backtestTrades.$inferInsert;
