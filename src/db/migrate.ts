import { fileURLToPath } from "node:url";
import { desc, sql } from "drizzle-orm";
import { readMigrationFiles, type MigrationMeta } from "drizzle-orm/migrator";
import { bigint, pgSchema, serial, text } from "drizzle-orm/pg-core";
import type { Db } from "./client.js";

/** Two levels up from both src/db and dist/db: the committed migrations/ at the package root. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

// Same table drizzle-kit's own migrator keeps, so its tooling keeps working against our databases.
const journal = pgSchema("drizzle").table("__drizzle_migrations", {
  id: serial("id").primaryKey(),
  hash: text("hash").notNull(),
  createdAt: bigint("created_at", { mode: "number" }),
});

// Arbitrary constant shared by every instance, so concurrent boots migrate one at a time.
const MIGRATION_LOCK_ID = 7_302_114_551;

export type MigrationReport = { applied: number; total: number };

export function loadMigrations(dir = MIGRATIONS_DIR): MigrationMeta[] {
  return readMigrationFiles({ migrationsFolder: dir });
}

/** Applies pending migrations in one transaction. The same code runs on PGlite and PostgreSQL. */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<MigrationReport> {
  let applied = 0;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    const [last] = await tx.select().from(journal).orderBy(desc(journal.createdAt)).limit(1);
    for (const migration of migrations) {
      if (last && Number(last.createdAt) >= migration.folderMillis) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.insert(journal).values({ hash: migration.hash, createdAt: migration.folderMillis });
      applied++;
    }
  });
  return { applied, total: migrations.length };
}

/** Names of the local migrations that the database has not recorded; empty when up to date. */
export async function pendingMigrations(db: Db, migrations = loadMigrations()): Promise<string[]> {
  const rows = await db.select({ hash: journal.hash }).from(journal);
  const appliedHashes = new Set(rows.map((r) => r.hash));
  return migrations.filter((m) => !appliedHashes.has(m.hash)).map((m) => String(m.folderMillis));
}
