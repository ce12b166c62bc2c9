import { desc, eq } from "drizzle-orm";
import type { Db } from "../client.js";
import { apiKeys, type ApiKeyRow, type NewApiKeyRow } from "../schema/api-keys.js";

export async function insertApiKey(db: Db, row: NewApiKeyRow): Promise<boolean> {
  const inserted = await db.insert(apiKeys).values(row).onConflictDoNothing().returning({ id: apiKeys.id });
  return inserted.length === 1;
}

export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).limit(1);
  return row;
}

export async function findApiKeyById(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  return row;
}

export async function listApiKeyRows(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function markApiKeyRevoked(db: Db, id: string, at: Date): Promise<ApiKeyRow | undefined> {
  const [row] = await db.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id)).returning();
  return row;
}

export async function deleteApiKey(db: Db, id: string): Promise<void> {
  await db.delete(apiKeys).where(eq(apiKeys.id, id));
}
