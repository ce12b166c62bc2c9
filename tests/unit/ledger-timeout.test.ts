import { describe, expect, it } from "vitest";
import { withinLedgerTimeout } from "../../src/ingest/ledger.js";

// The bound on the reads an intake makes around its commit (the strategy lookup, a duplicate's
// original): a database that never answers must cost a prompt failure, which the intake turns into 503.
describe("withinLedgerTimeout", () => {
  it("fails a read the database does not answer once the ledger timeout has passed", async () => {
    const started = Date.now();
    await expect(withinLedgerTimeout({ ledgerTimeoutMs: 40 }, new Promise<never>(() => {}))).rejects.toThrow(
      "the database did not answer within 40 ms",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });

  it("passes an answer, or the database's own error, through unchanged", async () => {
    await expect(withinLedgerTimeout({ ledgerTimeoutMs: 1000 }, Promise.resolve("stg_1"))).resolves.toBe("stg_1");
    const refused = new Error("connect ECONNREFUSED");
    await expect(withinLedgerTimeout({ ledgerTimeoutMs: 1000 }, Promise.reject(refused))).rejects.toBe(refused);
  });

  it("waits as long as it takes without a ledger timeout (the candle feeds' commits)", async () => {
    const slow = new Promise((resolve) => setTimeout(() => resolve("late"), 60));
    await expect(withinLedgerTimeout({}, slow)).resolves.toBe("late");
  });
});
