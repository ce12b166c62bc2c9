import { describe, expect, it } from "vitest";
import { BURST_DEFAULTS, runBurstDrill } from "../../scripts/drills/burst.js";
import { formatReport } from "../../scripts/drills/report.js";
import { adminDatabaseUrl } from "../helpers/test-database.js";

/**
 * Invariants 2 and 3 under a burst (the burst drill, CI-sized): alerts for one strategy and symbol at
 * the drill's rate of 1,000 a second, none waiting for another's answer. All are accepted, processed
 * in ledger order (finish times and order creation follow the sequence), and no leg has two orders.
 * `npm run cli -- drill burst` sends the full 1,000.
 */
describe("burst drill", () => {
  it("processes a burst on one lane in arrival order with no duplicate order", async () => {
    const report = await runBurstDrill({ ...BURST_DEFAULTS, adminUrl: adminDatabaseUrl(), alerts: 300, windowMs: 300 });
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.counts["answered 2xx"]).toBe(300);
    expect(report.counts.processed).toBe(300);
  }, 180_000);
});
