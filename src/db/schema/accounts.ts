import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { money } from "./money.js";

/** A trading account: the shared paper account by default, or one per strategy, or a venue account. */
export const accounts = pgTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  venue: text("venue").notNull(),
  currency: text("currency").notNull(),
  startingCash: money("starting_cash").notNull(),
  cash: money("cash").notNull(),
  fees: money("fees").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
});

export type AccountRow = typeof accounts.$inferSelect;
