import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, waitForSignal } from "../helpers/strategies.js";
import { sendAlert, type ProcessedSignal } from "../helpers/trading.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ PAPER_SLIPPAGE_BPS: "0" });
});
afterAll(() => t.close());

const sql = (text: string) => t.services.database.query(text, []);

/**
 * A signal's legs send their bookings without waiting for them (writes-behind.ts), so the statement
 * that fails first may be followed by others before anyone looks. This is the case that must still
 * end as if each had been awaited: nothing of the signal commits, and the failure reported is the
 * booking's own.
 */
describe("a paper booking refused by the database", () => {
  it("rolls the whole reversal back, and the error logged is the refused booking's, not the aborted transaction's", async () => {
    const s = await createStrategy(t, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null } });
    const opened = await sendAlert(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.007", price: "100000" });
    expect(opened.trace.positions).toMatchObject([{ quantity: "0.007", status: "open" }]);

    // From now on, the database refuses any fill on this strategy: the reversal's exit leg fails at
    // its fill insert, and its entry leg's snapshot, already sent behind it, finds the transaction aborted.
    await sql(`create function refuse_fill() returns trigger language plpgsql as $$
      begin raise exception 'test refuses fill of %', new.quantity; end $$`);
    await sql(`create trigger refuse_fill before insert on fills for each row
      when (new.strategy_id = '${s.id}') execute function refuse_fill()`);
    try {
      const res = await t.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ticker: "BTCUSDT", action: "sell", quantity: "0.007", price: "101000", n: "refused" }));
      expect(res.status).toBe(202);
      const failed = await waitForSignal(t, res.body.id as string, ["failed", "processed"]);
      expect(failed.status).toBe("failed");
      expect(failed.result).toMatchObject({ error: "PROCESSING_FAILED", attempts: 3 });
      // Nothing of any attempt committed: no decision, no order, and the position is still the long.
      expect(failed.trace.decisions).toEqual([]);
      expect(failed.trace.orders).toEqual([]);
      const position = await t.http.get(`/v1/signals/${opened.id}`).set(t.auth());
      expect((position.body as ProcessedSignal).trace.positions).toMatchObject([{ quantity: "0.007", status: "open" }]);

      const reported = t.logs.lines().filter((l) => l.msg === "signal processing failed" && l.signalId === res.body.id);
      expect(reported).toHaveLength(3);
      for (const line of reported) {
        const message = String((line.err as { message?: string } | undefined)?.message);
        expect(message).toContain("test refuses fill of 0.007");
        expect(message).not.toContain("current transaction is aborted");
      }
    } finally {
      await sql(`drop trigger refuse_fill on fills`);
      await sql(`drop function refuse_fill()`);
    }
  });
});
