import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createScratchDatabase } from "../../bench/scratch-postgres.js";
import { openDatabase, type Database } from "../../src/db/client.js";

/** Where a drill's gateways keep their data: a fresh PGlite directory, or a scratch PostgreSQL database. */
export type DrillDatabase = {
  readonly kind: "pglite" | "postgres";
  /** The gateways' working directory (a temp dir); PGlite lives in its data/. */
  readonly cwd: string;
  /** The scratch database's URL (PostgreSQL only). */
  readonly url: string | undefined;
  /** What the gateway's environment needs to use it. */
  readonly env: Record<string, string>;
  /** The same database from the drill's process, for the checks; PGlite only while no gateway runs. */
  open(): Promise<Database>;
  dispose(): Promise<void>;
};

/** PostgreSQL could not be used; the reason never carries the password. */
export class PostgresUnavailableError extends Error {}

const NODE_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));

export async function prepareDrillDatabase(options: { adminUrl?: string | undefined }): Promise<DrillDatabase> {
  // A temp working directory keeps the checkout's .env and data/ out of the drill. A gateway run
  // from source loads its backtest worker through tsx resolved from the working directory, so the
  // checkout's node_modules is linked in (rm removes the link, never what it points to).
  const cwd = mkdtempSync(join(tmpdir(), "sg-drill-"));
  symlinkSync(NODE_MODULES, join(cwd, "node_modules"), "dir");
  const removeDir = () => rmSync(cwd, { recursive: true, force: true });
  if (!options.adminUrl) {
    return {
      kind: "pglite",
      cwd,
      url: undefined,
      env: {},
      open: () => openDatabase({ dataDir: join(cwd, "data") }),
      dispose: async () => removeDir(),
    };
  }
  const scratch = await createScratchDatabase(options.adminUrl);
  if (!scratch.ok) {
    removeDir();
    throw new PostgresUnavailableError(scratch.reason);
  }
  const { url } = scratch.database;
  return {
    kind: "postgres",
    cwd,
    url,
    env: { DATABASE_URL: url },
    open: () => openDatabase({ url, dataDir: "unused", poolMax: 2 }),
    dispose: async () => {
      await scratch.database.drop().catch(() => {});
      removeDir();
    },
  };
}
