import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { fromPglite } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { adminDatabaseUrl } from "./test-database.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    databaseKind: "pglite" | "postgres";
  }
}

/**
 * PGlite: migrate one in-memory database from migrations/ and dump its data directory; every test
 * file starts from a copy, which costs far less than a fresh initdb + migrate per file.
 * PostgreSQL (TEST_DATABASE_URL): each file creates and migrates its own database instead.
 */
export default async function setup(project: TestProject) {
  if (adminDatabaseUrl()) {
    project.provide("databaseKind", "postgres");
    project.provide("pgliteSnapshot", "");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "sg-snapshot-"));
  const client = await PGlite.create();
  await migrate(fromPglite(client, "pglite:memory").db);
  const dump = await client.dumpDataDir("none");
  await client.close();
  const file = join(dir, "migrated.tar");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("databaseKind", "pglite");
  project.provide("pgliteSnapshot", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
