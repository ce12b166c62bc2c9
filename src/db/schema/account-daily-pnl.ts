import { date, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { money } from "./money.js";

/**
 * Realized PnL and fees per account and UTC day, kept up to date by every booking (in the same
 * transaction as the fills). The daily-loss check reads one row instead of summing the day's fills,
 * which a busy account would otherwise do thousands of times a minute over a growing range.
 */
export const accountDailyPnl = pgTable(
  "account_daily_pnl",
  {
    accountId: text("account_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    realizedPnl: money("realized_pnl").notNull(),
    fees: money("fees").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.day] })],
);
