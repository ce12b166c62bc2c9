/**
 * A throwaway PostgreSQL database for the PostgreSQL gateway scenario, created through an admin URL
 * and dropped afterwards. Not the test helper: that one imports vitest, which has no place here.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { postgresConnection } from "../src/db/postgres-url.js";
import { describePostgresUrl } from "../src/db/client.js";

export const DEFAULT_PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export type ScratchDatabase = { url: string; drop(): Promise<void> };

export type ScratchOutcome = { ok: true; database: ScratchDatabase } | { ok: false; reason: string };

/** Creates the database, or says (without the password) why PostgreSQL could not be used. */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchOutcome> {
  if (!/^postgres(ql)?:\/\//.test(adminUrl) || !URL.canParse(adminUrl)) {
    return { ok: false, reason: "BENCH_PG_ADMIN_URL is not a postgres:// URL" };
  }
  const where = describePostgresUrl(adminUrl);
  // A short timeout: a machine without PostgreSQL should skip the scenario, not stall the run.
  const { url: plainUrl, ...address } = postgresConnection(adminUrl);
  const admin = postgres(plainUrl, { ...address, max: 1, connect_timeout: 3, onnotice: () => {} });
  const name = `sg_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (err) {
    await admin.end({ timeout: 0 }).catch(() => {});
    // The driver may quote what it was given; the password must not reach the printed reason.
    const password = decodeURIComponent(new URL(adminUrl).password);
    const message = (err as Error).message ?? String(err);
    return { ok: false, reason: `${where}: ${password ? message.split(password).join("***") : message}` };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    ok: true,
    database: {
      url: url.toString(),
      // Idempotent, since both the normal end and a Ctrl-C may ask; "with (force)" ends connections a
      // killed gateway child may have left behind.
      drop: () =>
        (dropped ??= admin
          .unsafe(`drop database if exists "${name}" with (force)`)
          .then(() => undefined)
          .finally(() => admin.end({ timeout: 5 }))),
    },
  };
}
