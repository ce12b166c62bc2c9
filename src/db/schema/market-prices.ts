import { date, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { money } from "./money.js";

/**
 * The last price seen per symbol (`source`: `signal`; `venue`, what live accounts hold, from their
 * exchange; `market`, the paper price feed): marks and paper fills use it.
 */
export const marketPrices = pgTable("market_prices", {
  symbol: text("symbol").primaryKey(),
  price: money("price").notNull(),
  source: text("source").notNull(),
  observedAt: timestamp("observed_at", { withTimezone: true, mode: "date" }).notNull(),
  /**
   * The symbol's mark at 00:00 UTC of `dayOpenDay`: the last price observed before that midnight,
   * kept when the first price of the day replaces it. The daily loss counts from it.
   */
  dayOpenPrice: money("day_open_price"),
  dayOpenDay: date("day_open_day", { mode: "string" }),
});
