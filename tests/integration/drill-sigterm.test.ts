import { describe, expect, it } from "vitest";
import { formatReport } from "../../scripts/drills/report.js";
import { runSigtermDrill, SIGTERM_DEFAULTS } from "../../scripts/drills/sigterm.js";
import { adminDatabaseUrl } from "../helpers/test-database.js";

/**
 * Graceful shutdown under load (the SIGTERM drill, CI-sized): alerts stream in and a backtest runs
 * when SIGTERM arrives. Everything sent before the signal is answered 2xx or 503, the process exits 0
 * within 10 s, leaves no signal processing and no backtest running, and a restart finishes the rest.
 */
describe("SIGTERM drill", () => {
  it("drains in-flight requests, exits 0 within 10 s, and leaves no work claimed", async () => {
    const report = await runSigtermDrill({ ...SIGTERM_DEFAULTS, adminUrl: adminDatabaseUrl(), warmupAcks: 40, backtests: 2 });
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.counts["alerts sent before SIGTERM"]).toBeGreaterThanOrEqual(40);
    // A backtest was mid-run when the signal came, and was handed back rather than lost.
    expect(report.counts["backtests at SIGTERM"]).toContain("running");
    expect(report.counts["backtests after restart"]).toBe("succeeded, succeeded");
  }, 180_000);
});
