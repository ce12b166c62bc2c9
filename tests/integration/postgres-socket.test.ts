import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { adminDatabaseUrl, createScratchPostgresDatabase } from "../helpers/test-database.js";

// Debian's (and most distributions') socket directory; elsewhere this runs only where it exists.
const SOCKET_DIR = "/var/run/postgresql";
const admin = adminDatabaseUrl();
const port = admin ? new URL(admin).port || "5432" : "5432";
const socketThere = existsSync(`${SOCKET_DIR}/.s.PGSQL.${port}`);

describe.skipIf(!admin || !socketThere)("PostgreSQL over its Unix socket (libpq's host parameter)", () => {
  it("connects through the socket named by DATABASE_URL's host parameter, migrates and says where it is", async () => {
    const scratch = await createScratchPostgresDatabase(admin as string);
    const tcp = new URL(scratch.url);
    const name = tcp.pathname.slice(1);
    const user = tcp.username ? `${tcp.username}@` : "";
    const database = await openDatabase({ url: `postgresql://${user}/${name}?host=${SOCKET_DIR}&port=${port}`, dataDir: "unused" });
    try {
      expect(database.target).toBe(`postgres://${SOCKET_DIR}:${port}/${name}`);
      await migrate(database.db);
      // The server's address is null exactly when the session came in over a Unix socket.
      expect(await database.query("select inet_server_addr() as address, current_database() as name", [])).toEqual([{ address: null, name }]);
    } finally {
      await database.close();
      await scratch.drop();
    }
  });
});
