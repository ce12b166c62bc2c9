import { asc, eq } from "drizzle-orm";
import type { Database, Db } from "../client.js";
import { strategies, type StrategyRow } from "../schema/strategies.js";

export async function insertStrategy(db: Db, row: StrategyRow): Promise<boolean> {
  const inserted = await db.insert(strategies).values(row).onConflictDoNothing({ target: strategies.key }).returning({ id: strategies.id });
  return inserted.length === 1;
}

export async function findStrategyById(db: Db, id: string): Promise<StrategyRow | undefined> {
  const [row] = await db.select().from(strategies).where(eq(strategies.id, id)).limit(1);
  return row;
}

export async function findStrategyByKey(db: Db, key: string): Promise<StrategyRow | undefined> {
  const [row] = await db.select().from(strategies).where(eq(strategies.key, key)).limit(1);
  return row;
}

// Every TradingView delivery starts here, so it is a prepared statement rather than a built query.
const BY_TOKEN_HASH = `select id, key, name, enabled, allowed_symbols, webhook_token_hash, passphrase_hash, config, stage, created_at, updated_at
from strategies where webhook_token_hash = $1 limit 1`;

type StrategySqlRow = {
  id: string;
  key: string;
  name: string;
  enabled: boolean;
  allowed_symbols: string[];
  webhook_token_hash: string;
  passphrase_hash: string | null;
  config: unknown;
  stage: string;
  created_at: Date | string;
  updated_at: Date | string;
};

export async function findStrategyByTokenHash(database: Database, tokenHash: string): Promise<StrategyRow | undefined> {
  const [row] = await database.query<StrategySqlRow>(BY_TOKEN_HASH, [tokenHash]);
  if (!row) return undefined;
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    enabled: row.enabled,
    allowedSymbols: row.allowed_symbols,
    webhookTokenHash: row.webhook_token_hash,
    passphraseHash: row.passphrase_hash,
    config: typeof row.config === "string" ? (JSON.parse(row.config) as unknown) : row.config,
    stage: row.stage,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export async function listStrategyRows(db: Db): Promise<StrategyRow[]> {
  return db.select().from(strategies).orderBy(asc(strategies.key));
}

export async function updateStrategyRow(
  db: Db,
  id: string,
  changes: Partial<Pick<StrategyRow, "name" | "enabled" | "allowedSymbols" | "webhookTokenHash" | "passphraseHash" | "config" | "updatedAt">>,
): Promise<StrategyRow | undefined> {
  const [row] = await db.update(strategies).set(changes).where(eq(strategies.id, id)).returning();
  return row;
}
