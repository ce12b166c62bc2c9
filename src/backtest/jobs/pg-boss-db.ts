import type PgBoss from "pg-boss";
import type { Database, Db } from "../../db/client.js";
import { rawQuery } from "../../db/raw-query.js";

type Rows = { rows: Record<string, unknown>[] };

type PostgresJsSql = {
  unsafe(text: string, params?: unknown[], options?: { prepare: boolean }): Promise<unknown>;
  reserve(): Promise<PostgresJsSql & { release(): void }>;
};
type PgliteClient = {
  exec(text: string): Promise<Array<{ rows: Record<string, unknown>[] }>>;
  query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
};

/**
 * Parameters as node-postgres, which pg-boss is written for, would send them: undefined as NULL
 * (postgres.js refuses it), dates as ISO text and objects as JSON text, since drizzle makes the
 * postgres.js client pass json and timestamp parameters through unserialized.
 */
function pgValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(pgValue);
  if (typeof value === "object" && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return value;
}
const nullsFor = (values: readonly unknown[]) => values.map(pgValue);

// A multi-statement text answers with one result per statement; pg-boss reads the last one's rows.
function lastRows(result: unknown): Record<string, unknown>[] {
  const list = result as unknown[];
  const last = list.length > 0 && Array.isArray(list[list.length - 1]) ? list[list.length - 1] : list;
  return [...(last as Record<string, unknown>[])];
}

/**
 * pg-boss's bring-your-own-database contract (`db.executeSql(text, values)`, pg-boss 10): without
 * values, the text may be several statements, its own schema plans wrapped in BEGIN … COMMIT under
 * an advisory lock; with values, it is one statement with $n parameters.
 *
 * PGlite runs several statements with `exec`. postgres.js runs them with `unsafe` and no parameters,
 * but refuses a BEGIN on a pooled connection (UNSAFE_TRANSACTION), so they go through a reserved
 * connection, rolled back on error so a failed plan never hands an aborted transaction back to the
 * pool. The drivers are reached the way src/db/raw-query.ts reaches them.
 */
export function bossDatabase(database: Database): PgBoss.Db {
  const client = (database.db as unknown as { session?: { client?: unknown } }).session?.client;
  if (database.kind === "pglite") {
    const lite = client as PgliteClient;
    return {
      executeSql: async (text: string, values?: unknown[]): Promise<Rows> => {
        if (values && values.length > 0) return { rows: (await lite.query(text, nullsFor(values))).rows };
        try {
          const results = await lite.exec(text);
          return { rows: results[results.length - 1]?.rows ?? [] };
        } catch (err) {
          // One embedded connection for everything: a plan that failed inside its BEGIN must not leave it aborted.
          await lite.exec("rollback").catch(() => {});
          throw err;
        }
      },
    };
  }
  const pg = client as PostgresJsSql;
  return {
    executeSql: async (text: string, values?: unknown[]): Promise<Rows> => {
      if (values && values.length > 0) return { rows: lastRows(await pg.unsafe(text, nullsFor(values), { prepare: true })) };
      const reserved = await pg.reserve();
      try {
        return { rows: lastRows(await reserved.unsafe(text)) };
      } catch (err) {
        await reserved.unsafe("rollback").catch(() => {});
        throw err;
      } finally {
        reserved.release();
      }
    },
  };
}

/** The same contract inside a drizzle transaction, so a job is sent in the transaction that creates its row. */
export function bossTransaction(tx: Db): PgBoss.Db {
  const query = rawQuery(tx);
  return {
    executeSql: async (text: string, values?: unknown[]): Promise<Rows> => ({ rows: await query(text, nullsFor(values ?? [])) }),
  };
}
