import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { money } from "./money.js";

/** The last price seen per symbol (from signals now, market data later): marks and paper fills use it. */
export const marketPrices = pgTable("market_prices", {
  symbol: text("symbol").primaryKey(),
  price: money("price").notNull(),
  source: text("source").notNull(),
  observedAt: timestamp("observed_at", { withTimezone: true, mode: "date" }).notNull(),
});
