import { describe, expect, it } from "vitest";
import { CRASH_DEFAULTS, runCrashDrill } from "../../scripts/drills/crash.js";
import { formatReport } from "../../scripts/drills/report.js";
import { adminDatabaseUrl } from "../helpers/test-database.js";

/**
 * Invariants 1, 2 and 7 end to end (the crash drill, CI-sized): kill -9 the gateway twice at seeded
 * moments while alerts stream in over three lanes, start it again on the same database each time,
 * and check that every alert that got a 2xx is in the ledger once and processed, no signal leg has
 * two orders, and the database holds nothing half-written. `npm run cli -- drill crash` runs more kills.
 */
describe("crash drill", () => {
  it("loses nothing acknowledged and orders nothing twice across kill -9 and restart", async () => {
    const report = await runCrashDrill({ ...CRASH_DEFAULTS, adminUrl: adminDatabaseUrl(), kills: 2, seed: 7, minAcksPerRound: 15, maxDelayMs: 800 });
    expect(report.failures, formatReport(report)).toEqual([]);
    // The drill did what it says: alerts were acknowledged in each round, the ledger holds them (plus
    // any the gateway committed but was killed before answering), and they traded.
    const acknowledged = report.counts["answered 2xx"] as number;
    expect(acknowledged).toBeGreaterThanOrEqual(30);
    expect(report.counts["ledger rows"]).toBeGreaterThanOrEqual(acknowledged);
    expect(report.counts.orders).toBeGreaterThan(0);
  }, 180_000);
});
