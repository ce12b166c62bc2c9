import type { MigrationMeta } from "drizzle-orm/migrator";
import type { Database } from "../db/client.js";
import { pendingMigrations } from "../db/migrate.js";
import { withTimeout } from "../lib/with-timeout.js";

export type CheckStatus = "ok" | "failed";
export type Readiness = {
  ready: boolean;
  checks: { database: CheckStatus; migrations: CheckStatus };
  failures: string[];
};

export type ReadinessContext = { database: Database; migrations: MigrationMeta[]; timeoutMs?: number };

/** Ready means: the database answers, and every migration this build ships is applied. */
export async function checkReadiness({ ctx }: { ctx: ReadinessContext }): Promise<Readiness> {
  const timeoutMs = ctx.timeoutMs ?? 2000;
  const failures: string[] = [];
  let database: CheckStatus = "ok";
  let migrations: CheckStatus = "ok";
  try {
    const unanswered = () => new Error(`the database did not answer within ${timeoutMs} ms`);
    await withTimeout(ctx.database.ping(), timeoutMs, unanswered);
    const pending = await withTimeout(pendingMigrations(ctx.database.db, ctx.migrations), timeoutMs, unanswered);
    if (pending.length > 0) {
      migrations = "failed";
      failures.push(`migrations not applied: ${pending.join(", ")}`);
    }
  } catch {
    // The driver's message can name internals; the check name is what an operator acts on.
    database = "failed";
    migrations = "failed";
    failures.push("database: not reachable");
  }
  return { ready: failures.length === 0, checks: { database, migrations }, failures };
}
