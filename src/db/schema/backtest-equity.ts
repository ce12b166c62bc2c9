import { doublePrecision, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { backtests } from "./backtests.js";

/**
 * A backtest's equity curve, downsampled to at most a few thousand points when it is stored, so
 * reading it never means reading one row per candle. Floats: a curve is for drawing, not booking.
 */
export const backtestEquity = pgTable(
  "backtest_equity",
  {
    backtestId: text("backtest_id")
      .notNull()
      .references(() => backtests.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    time: timestamp("time", { withTimezone: true, mode: "date" }).notNull(),
    equity: doublePrecision("equity").notNull(),
  },
  (t) => [primaryKey({ columns: [t.backtestId, t.seq] })],
);

export type BacktestEquityRow = typeof backtestEquity.$inferSelect;
