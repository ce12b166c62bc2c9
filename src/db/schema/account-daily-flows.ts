import { date, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { money } from "./money.js";

/**
 * What an account's fills in one symbol came to on one UTC day, kept up to date by every booking
 * (in the same transaction as the fills, like account_daily_pnl). With the symbol's mark at 00:00
 * (market_prices.day_open_price) they give the day's PnL from the start of the day, not from each
 * position's entry: a position held overnight counts from the midnight mark.
 */
export const accountDailyFlows = pgTable(
  "account_daily_flows",
  {
    accountId: text("account_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    symbol: text("symbol").notNull(),
    /** Signed base units bought (+) and sold (−), contract size applied. */
    quantity: money("quantity").notNull(),
    /** What the fills cost: notional bought minus notional sold, plus fees. */
    cost: money("cost").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.day, t.symbol] })],
);
