import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { strategies } from "./strategies.js";

/**
 * How far a strategy's candle feed has read, per symbol and timeframe: the open time of the last
 * closed candle it was fed. Moved in the transaction that commits that candle's signals, so a
 * crash leaves the feed either before the candle or past it with its signals stored.
 */
export const candleFeedCursors = pgTable(
  "candle_feed_cursors",
  {
    strategyId: text("strategy_id")
      .notNull()
      .references(() => strategies.id),
    symbol: text("symbol").notNull(),
    timeframe: text("timeframe").notNull(),
    lastOpenTime: timestamp("last_open_time", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.strategyId, t.symbol, t.timeframe] })],
);

export type CandleFeedCursorRow = typeof candleFeedCursors.$inferSelect;
