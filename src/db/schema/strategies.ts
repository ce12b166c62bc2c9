import { sql } from "drizzle-orm";
import { boolean, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * A strategy is what a signal belongs to. Its webhook token and passphrase are stored only as
 * SHA-256 digests: both are generated with at least 128 bits of entropy, so a fast hash suffices.
 */
export const strategies = pgTable("strategies", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  enabled: boolean("enabled").notNull(),
  /** ccxt unified symbols this strategy may trade; empty means any symbol. */
  allowedSymbols: text("allowed_symbols").array().notNull(),
  webhookTokenHash: text("webhook_token_hash").notNull().unique(),
  passphraseHash: text("passphrase_hash"),
  /** The trading configuration (StrategyConfig); parsed with its schema on read, so defaults fill gaps. */
  config: jsonb("config").notNull().default(sql`'{}'::jsonb`),
  /**
   * candidate | paper | live | retired (src/strategy/lifecycle/stages.ts); agrees with the config's mode.
   * Changed only by src/strategy/lifecycle, with its audit row: updateStrategyRow cannot set it.
   */
  stage: text("stage").notNull().default("paper"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
});

export type StrategyRow = typeof strategies.$inferSelect;
