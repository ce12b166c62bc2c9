import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { DrizzleQueryError, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { lockDataDir } from "./data-dir-lock.js";
import { describePostgresUrl, parseablePostgresUrl, postgresConnection } from "./postgres-url.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type Database = {
  readonly kind: "pglite" | "postgres";
  readonly db: Db;
  /** Where the data lives, safe to log: never carries a user or password. */
  readonly target: string;
  /**
   * Runs one SQL statement with positional parameters, as a prepared statement on PostgreSQL.
   * For the few hot-path statements where drizzle's per-call SQL building and unprepared
   * execution cost more than the work itself; everything else goes through `db`.
   */
  query<T extends Record<string, unknown>>(text: string, params: readonly unknown[]): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export { describePostgresUrl };

export class DatabaseUnreachableError extends Error {
  constructor(readonly target: string, reason: string) {
    super(`database unreachable at ${target}: ${reason}`);
    this.name = "DatabaseUnreachableError";
  }
}

export type DatabaseOptions = {
  url?: string | undefined;
  dataDir: string;
  poolMax?: number;
  connectTimeoutSeconds?: number;
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(resolve(options.dataDir, "pglite"));
}

// A mark on the object, not a WeakSet entry, so a wrapper that forwards property reads (a test's Proxy) keeps it.
const EMBEDDED = Symbol("signal-gateway.embedded-database");

/**
 * True for an embedded PGlite database: one process and one session, where a transaction held open
 * stalls every other statement, and where in-process coordination is coordination of every user.
 */
export function isEmbedded(db: Db): boolean {
  return (db as unknown as Record<symbol, unknown>)[EMBEDDED] === true;
}

/** Wraps an already-created PGlite (tests load one from a migrated snapshot). */
export function fromPglite(client: PGlite, target: string, onClose: () => void = () => {}): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  Object.defineProperty(db, EMBEDDED, { value: true });
  return {
    kind: "pglite",
    db,
    target,
    query: async <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) =>
      (await client.query<T>(text, [...params])).rows,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      if (!client.closed) await client.close();
      onClose();
    },
  };
}

async function openPglite(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(`${dir}.lock`);
  try {
    const client = await PGlite.create(dir);
    return fromPglite(client, `pglite:${dir}`, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const target = describePostgresUrl(url);
  const password = decodeURIComponent(new URL(parseablePostgresUrl(url)).password);
  const { url: plainUrl, ...address } = postgresConnection(url);
  const client = postgres(plainUrl, {
    ...address,
    max: options.poolMax ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    // postgres.js waits longer before each reconnect (up to 20 s by default), and a query waits with
    // it: during an outage a webhook must get its 503 promptly, and service resume as soon as it ends.
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 0.5),
    onnotice: () => {},
  });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  const database: Database = {
    kind: "postgres",
    db,
    target,
    // postgres.js caches a prepared statement per connection for each distinct text.
    query: async <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) =>
      (await client.unsafe(text, params as never[], { prepare: true })) as unknown as T[],
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.end({ timeout: 5 }),
  };
  try {
    await database.ping();
  } catch (err) {
    await client.end({ timeout: 0 }).catch(() => {});
    throw new DatabaseUnreachableError(target, reasonOf(err, password));
  }
  return database;
}

function reasonOf(err: unknown, password: string): string {
  // drizzle wraps the driver's error as "Failed query: select 1": the operator needs the driver's.
  const e = (err instanceof DrizzleQueryError && err.cause !== undefined ? err.cause : err) as { code?: string; message?: string };
  const message = String(e?.message ?? err);
  // Drivers quote what they were given; a password must not ride along into the boot error.
  const safe = password ? message.split(password).join("***") : message;
  return e?.code && !safe.includes(e.code) ? `${e.code} ${safe}` : safe;
}
