import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { authenticateApiKey, createApiKey } from "../../src/auth/api-keys.js";
import { fromPglite, openDatabase, type Database } from "../../src/db/client.js";
import { loadMigrations, migrate, pendingMigrations } from "../../src/db/migrate.js";
import { checkReadiness } from "../../src/health/readiness.js";
import { systemClock } from "../../src/lib/clock.js";
import { randomIds } from "../../src/lib/ids.js";
import { adminDatabaseUrl, createScratchPostgresDatabase } from "../helpers/test-database.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const authCtx = (database: Database) => ({ db: database.db, clock: systemClock, ids: randomIds, envAdminKeyHash: undefined });

describe("migrations on PGlite", () => {
  it("applies every committed migration once, and keeps data across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sg-persist-"));
    dirs.push(dataDir);
    const first = await openDatabase({ dataDir });
    expect(await migrate(first.db)).toEqual({ applied: loadMigrations().length, total: loadMigrations().length });
    const { key } = await createApiKey({ ctx: authCtx(first), input: { name: "survivor", scopes: ["read"] } });
    await first.close();

    const second = await openDatabase({ dataDir });
    expect((await migrate(second.db)).applied).toBe(0);
    expect(await pendingMigrations(second.db)).toEqual([]);
    expect(await authenticateApiKey(authCtx(second), key)).toMatchObject({ name: "survivor", scopes: ["read"] });
    await second.close();
  });

  it("reports an unmigrated database as not ready, naming the migrations check", async () => {
    const database = fromPglite(await PGlite.create(), "pglite:memory");
    const readiness = await checkReadiness({ ctx: { database, migrations: loadMigrations() } });
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.migrations).toBe("failed");
    await migrate(database.db);
    expect((await checkReadiness({ ctx: { database, migrations: loadMigrations() } })).ready).toBe(true);
    await database.close();
  });
});

describe.skipIf(!adminDatabaseUrl())("migrations on PostgreSQL", () => {
  it("lets concurrent boots migrate a fresh database exactly once", async () => {
    const scratch = await createScratchPostgresDatabase(adminDatabaseUrl() as string);
    const a = await openDatabase({ url: scratch.url, dataDir: "unused" });
    const b = await openDatabase({ url: scratch.url, dataDir: "unused" });
    try {
      const reports = await Promise.all([migrate(a.db), migrate(b.db)]);
      expect(reports.map((r) => r.applied).sort()).toEqual([0, loadMigrations().length]);
      expect(await pendingMigrations(a.db)).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
