import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkIntegrity, leftRunning } from "../../scripts/drills/integrity.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy } from "../helpers/strategies.js";
import { sendAlert } from "../helpers/trading.js";

let t: TestApp;
let signalId: string;
let exitOrder: string;
let entryOrder: string;
beforeAll(async () => {
  t = await startTestApp();
  const s = await createStrategy(t, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null } });
  // The perpetual (BTC/USDT:USDT), as the drills' lanes: the sell of 0.002 while long 0.001 is a
  // reversal, an exit and a short entry, and spot cannot go short (SPOT_SELL_EXCEEDS_HOLDINGS would
  // deny the entry leg). 0.001 and 0.002 are whole amount steps (0.001) there, and 100000 and 100500
  // whole price steps (0.1).
  await sendAlert(t, s, { ticker: "BTCUSDT.P", action: "buy", quantity: "0.001", price: "100000" });
  const reversal = await sendAlert(t, s, { ticker: "BTCUSDT.P", action: "sell", quantity: "0.002", price: "100500" });
  signalId = reversal.id;
  [exitOrder, entryOrder] = reversal.trace.orders.map((o) => o.id) as [string, string];
});
afterAll(() => t.close());

const sql = (text: string, params: unknown[] = []) => t.services.database.query(text, params);
const failures = async () => (await checkIntegrity(t.services.database)).failures;

/** The drills' database checks, on a real gateway's rows: they pass on what it wrote, and each rule fires when its rows are broken. */
describe("the drills' integrity checks", () => {
  it("find nothing wrong with what the gateway wrote, and count it", async () => {
    expect(entryOrder).toBeDefined();
    const result = await checkIntegrity(t.services.database);
    expect(result.failures).toEqual([]);
    expect(result.counts).toMatchObject({ signals: 2, orders: 3, fills: 3, decisions: 3 });
    expect(await leftRunning(t.services.database)).toEqual({ signals: 0, backtests: 0, searches: 0 });
  });

  it("find an order whose filled quantity disagrees with its fills, and a position with its fills", async () => {
    await sql("update orders set filled_quantity = filled_quantity + 1 where id = $1", [exitOrder]);
    await sql("update positions set quantity = quantity + 0.5 where status = 'open'");
    expect(await failures()).toEqual(["1 orders whose filled quantity is not the sum of their fills", "1 positions whose quantity is not the net of their fills"]);
    await sql("update orders set filled_quantity = filled_quantity - 1 where id = $1", [exitOrder]);
    await sql("update positions set quantity = quantity - 0.5 where status = 'open'");
    expect(await failures()).toEqual([]);
  });

  it("find decisions and orders of a signal that is not processed, and report it left processing", async () => {
    await sql("update signals set status = 'processing' where id = $1", [signalId]);
    expect(await failures()).toEqual(["2 risk decisions of a signal that is not processed", "2 orders of a signal that is not processed"]);
    expect((await leftRunning(t.services.database)).signals).toBe(1);
    await sql("update signals set status = 'processed' where id = $1", [signalId]);
  });

  it("find a second order for one signal leg, and an order without its decision", async () => {
    await sql(
      `insert into orders (id, client_order_id, account_id, strategy_id, signal_id, leg, symbol, side, kind, role, quantity, reduce_only, status, filled_quantity, created_at, updated_at)
       select 'ord_twin', client_order_id || '-twin', account_id, strategy_id, signal_id, leg, symbol, side, kind, role, quantity, reduce_only, 'new', 0, created_at, updated_at from orders where id = $1`,
      [entryOrder],
    );
    expect(await failures()).toEqual(["1 orders without the risk decision that placed them", "1 signal legs with more than one order"]);
    await sql("delete from orders where id = 'ord_twin'");
    await sql("delete from risk_decisions where order_id = $1", [exitOrder]);
    expect(await failures()).toEqual(["1 orders without the risk decision that placed them"]);
  });
});
