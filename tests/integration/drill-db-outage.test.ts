import { describe, expect, it } from "vitest";
import { DB_OUTAGE_DEFAULTS, runDbOutageDrill } from "../../scripts/drills/db-outage.js";
import { formatReport } from "../../scripts/drills/report.js";
import { adminDatabaseUrl } from "../helpers/test-database.js";

/**
 * Invariant 1 through a database outage (the db-outage drill, CI-sized; PostgreSQL only, since the
 * drill cuts a network path to a server): the gateway's connections go through a relay the drill cuts
 * (or silences) for 3 s under load. Alerts are answered 503 promptly and never 2xx meanwhile; the gateway accepts
 * again by itself once the database is back, the 503'd alerts resent are stored once, the backlog is
 * processed, and nothing is half-written.
 */
describe.skipIf(!adminDatabaseUrl())("database outage drill", () => {
  it("answers 503 while the database is away and recovers by itself without losing or doubling anything", async () => {
    const report = await runDbOutageDrill({ ...DB_OUTAGE_DEFAULTS, adminUrl: adminDatabaseUrl() as string, warmupAcks: 20, outageMs: 3000 });
    expect(report.skipped).toBeUndefined();
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.counts["  answered 503"]).toBeGreaterThan(0);
    expect(report.counts["first 2xx after the return"]).not.toBe("never");
  }, 180_000);

  // Nothing refuses and nothing resets: only the gateway's own deadline (LEDGER_TIMEOUT_MS, 1 s in
  // the drill) can answer. Without it the alerts waited out the whole outage, then got a 2xx.
  it("answers 503 within its deadline while the database is silent, and recovers without losing or doubling anything", async () => {
    const report = await runDbOutageDrill({
      ...DB_OUTAGE_DEFAULTS,
      adminUrl: adminDatabaseUrl() as string,
      silent: true,
      warmupAcks: 20,
      outageMs: 3000,
      answerWithinMs: 2500,
    });
    expect(report.skipped).toBeUndefined();
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.counts["  answered 503"]).toBeGreaterThan(0);
    expect(report.counts["first 2xx after the return"]).not.toBe("never");
  }, 180_000);
});
