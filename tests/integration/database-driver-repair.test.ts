import net from "node:net";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseUnreachableError, openDatabase } from "../../src/db/client.js";
import { startTcpProxy } from "../../scripts/drills/tcp-proxy.js";
import { adminDatabaseUrl, createScratchPostgresDatabase } from "../helpers/test-database.js";

// The repairs scripts/patch-postgres-js.mjs makes to postgres.js at install (its repairs 2 and 3).
// Without them a query below waits forever (while the driver reconnects thousands of times a second,
// for the first two), and the test runs into its timeout.
describe("the PostgreSQL driver, when a connection fails", () => {
  const servers: net.Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it("rejects the query that opened it when the server closes cleanly during startup, without reconnecting for it", async () => {
    let accepted = 0;
    // Reads the startup message, then closes without a word, as a proxy or a server shutting down may.
    const server = net.createServer((socket) => {
      accepted++;
      socket.once("data", () => socket.end());
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;

    const opening = openDatabase({ url: `postgres://gateway@127.0.0.1:${port}/ledger`, dataDir: "unused", poolMax: 1 });
    await expect(opening).rejects.toBeInstanceOf(DatabaseUnreachableError);
    await expect(opening).rejects.toThrow(/CONNECTION_CLOSED/);
    // Once, not a loop: the close settled the query instead of reconnecting for it.
    expect(accepted).toBe(1);
  }, 10_000);

  const admin = adminDatabaseUrl();
  it.skipIf(!admin)("rejects the next query with the server's startup error after its database was dropped under a running one", async () => {
    const scratch = await createScratchPostgresDatabase(admin as string);
    const database = await openDatabase({ url: scratch.url, dataDir: "unused", poolMax: 1 });
    try {
      const running = database.query("select pg_sleep(10)", []);
      const runningFailed = expect(running).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
      await untilSleeping(admin as string, new URL(scratch.url).pathname.slice(1));
      // Ends the running query's backend from outside, as a failover or an operator may.
      await scratch.drop();
      await runningFailed;
      await expect(database.query("select 1", [])).rejects.toMatchObject({ code: "3D000" });
    } finally {
      await database.close().catch(() => {});
    }
  }, 20_000);

  it.skipIf(!admin)("settles a query sent on a connection between its reset and its close", async () => {
    const scratch = await createScratchPostgresDatabase(admin as string);
    const target = new URL(scratch.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(scratch.url);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    const database = await openDatabase({ url: viaProxy.toString(), dataDir: "unused", poolMax: 1 });
    try {
      let sentInTheGap: Promise<unknown> | undefined;
      // The reset rejects the running query at once; its handler queries again, as the delivery
      // group commit does, while the socket is not closed yet and the pool still counts it usable.
      const running = database.query("select pg_sleep(10)", []).catch(() => {
        sentInTheGap = database.query("select 1 as one", []);
      });
      await untilSleeping(admin as string, target.pathname.slice(1));
      proxy.cut();
      await running;
      proxy.restore();
      await expect(sentInTheGap).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
      // The pool goes on: the next query opens a new connection.
      expect(await database.query("select 2 as two", [])).toEqual([{ two: 2 }]);
    } finally {
      await database.close().catch(() => {});
      await proxy.close();
      await scratch.drop();
    }
  }, 20_000);
});

/** Resolves once a backend of `database` is running pg_sleep: the query is on the server, not queued. */
async function untilSleeping(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    for (;;) {
      const rows = await sql`select 1 from pg_stat_activity where datname = ${database} and query like 'select pg_sleep%' and state = 'active'`;
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}
