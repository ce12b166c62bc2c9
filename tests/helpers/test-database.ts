import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { postgresConnection } from "../../src/db/postgres-url.js";
import { inject } from "vitest";
import { fromPglite, openDatabase, type Database } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";

export type TestDatabase = {
  readonly database: Database;
  readonly kind: "pglite" | "postgres";
  /** PostgreSQL's URL (unset on PGlite): for what opens connections of its own, as backtest workers do. */
  readonly url?: string;
  /** Makes the database disappear under the app, as a crashed or dropped server would. */
  kill(): Promise<void>;
  dispose(): Promise<void>;
};

/** Tests never read process.env elsewhere; this is the one switch between PGlite and PostgreSQL. */
export function adminDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database for one test file. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const adminUrl = adminDatabaseUrl();
  return adminUrl ? openPostgresTestDatabase(adminUrl) : openPgliteTestDatabase();
}

export async function createScratchPostgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sg_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const { url: plainUrl, ...address } = postgresConnection(adminUrl);
  const admin = postgres(plainUrl, { ...address, max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  return {
    url: withDatabaseName(adminUrl, name),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

async function openPostgresTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const scratch = await createScratchPostgresDatabase(adminUrl);
  const database = await openDatabase({ url: scratch.url, dataDir: "unused", poolMax: 6 });
  await migrate(database.db);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await scratch.drop();
  };
  return {
    database,
    kind: "postgres",
    url: scratch.url,
    kill: drop,
    dispose: async () => {
      await database.close().catch(() => {});
      await drop();
    },
  };
}

async function openPgliteTestDatabase(): Promise<TestDatabase> {
  const snapshot = readFileSync(inject("pgliteSnapshot"));
  const client = await PGlite.create({ loadDataDir: new Blob([snapshot]) });
  const database = fromPglite(client, "pglite:memory");
  return { database, kind: "pglite", kill: () => database.close(), dispose: () => database.close() };
}
