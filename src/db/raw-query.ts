import type { Db } from "./client.js";

/** One SQL statement with positional parameters, on the connection (and transaction) of a drizzle handle. */
export type RawQuery = <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) => Promise<T[]>;

type PostgresJsClient = { unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]> };
type PgliteClient = { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> };

/**
 * Raw, prepared statements inside whatever drizzle handle the caller holds: the pool, or a
 * transaction's reserved connection. The order hot path needs both at once: drizzle for the rare
 * paths and one-row-at-a-time writes, prepared statements for the few queries every order runs
 * (drizzle re-renders and re-plans its SQL on every call), and pipelining, which postgres.js does
 * when statements are issued on one connection without awaiting each.
 *
 * Both drivers' drizzle sessions keep the driver's client as `session.client` (drizzle-orm 0.45:
 * postgres-js/session.js and pglite/session.js); tests/integration/raw-query.test.ts fails if an
 * upgrade moves it.
 */
export function rawQuery(db: Db): RawQuery {
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client;
  if (client && typeof (client as PostgresJsClient).unsafe === "function") {
    const pg = client as PostgresJsClient;
    return async <T>(text: string, params: readonly unknown[]) => (await pg.unsafe(text, [...params], { prepare: true })) as T[];
  }
  if (client && typeof (client as PgliteClient).query === "function") {
    const lite = client as PgliteClient;
    return async <T>(text: string, params: readonly unknown[]) => (await lite.query(text, [...params])).rows as T[];
  }
  throw new Error("rawQuery: unsupported drizzle session (expected postgres.js or PGlite)");
}
