import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { money } from "./money.js";

/**
 * OHLCV candles per ccxt unified symbol and timeframe, keyed by the candle's open time. Open time is
 * a timestamptz like every other instant in the schema: PostgreSQL keeps microseconds, so the
 * exchange's millisecond timestamps round-trip exactly, and range queries read naturally in SQL.
 */
export const candles = pgTable(
  "candles",
  {
    symbol: text("symbol").notNull(),
    timeframe: text("timeframe").notNull(),
    openTime: timestamp("open_time", { withTimezone: true, mode: "date" }).notNull(),
    open: money("open").notNull(),
    high: money("high").notNull(),
    low: money("low").notNull(),
    close: money("close").notNull(),
    volume: money("volume").notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.timeframe, t.openTime] })],
);

export type CandleRow = typeof candles.$inferSelect;
