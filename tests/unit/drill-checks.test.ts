import { describe, expect, it } from "vitest";
import { alertBody, alertNumber, LANES } from "../../scripts/drills/alerts.js";
import type { LedgerRow, OrderRow } from "../../scripts/drills/api.js";
import {
  checkAcknowledged,
  checkLaneOrder,
  checkNoDuplicateAlerts,
  checkOrdersBelong,
  checkOrdersUnique,
  checkSettled,
} from "../../scripts/drills/checks.js";

const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
const row = (n: number, over: Partial<LedgerRow> = {}): LedgerRow => ({
  id: `sig_${n}`,
  status: "processed",
  symbol: "BTC/USDT",
  rawBody: alertBody(n, LANES[0]!),
  attempts: 1,
  receivedAt: at(n),
  processedAt: at(n + 1),
  ...over,
});
const order = (id: string, signal: string | null, over: Partial<OrderRow> = {}): OrderRow => ({
  id,
  clientOrderId: `c_${id}`,
  signalId: signal,
  leg: 0,
  role: "entry",
  status: "filled",
  ...over,
});

describe("the drills' invariant checks", () => {
  it("read back the alert number a body carries", () => {
    expect(alertNumber(alertBody(41, LANES[1]!))).toBe(41);
    expect(alertNumber("not json")).toBeUndefined();
  });

  it("find an acknowledged alert missing from the ledger, or stored but not processed", () => {
    const rows = [row(0), row(1, { status: "queued", processedAt: null })];
    expect(checkAcknowledged(new Map([[0, "sig_0"]]), rows)).toEqual([]);
    const failures = checkAcknowledged(new Map([[0, "sig_0"], [1, "sig_1"], [7, "sig_7"]]), rows);
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^1 alerts answered 2xx are missing .*\(7\)/);
    expect(failures[1]).toMatch(/^1 acknowledged signals were not processed \(sig_1 queued\)/);
  });

  it("find an alert stored twice, and rows that are not the drill's", () => {
    expect(checkNoDuplicateAlerts([row(0), row(1)])).toEqual([]);
    const twice = checkNoDuplicateAlerts([row(0), row(1), row(1, { id: "sig_1b" }), row(2, { id: "sig_x", rawBody: "{}" })]);
    expect(twice).toEqual([expect.stringMatching(/^1 alerts are in the ledger more than once \(alert 1 ×2\)/), expect.stringMatching(/^1 ledger rows carry no alert number \(sig_x\)/)]);
  });

  it("find signals left queued, processing or failed", () => {
    expect(checkSettled([row(0), row(1, { status: "rejected" })])).toEqual([]);
    expect(checkSettled([row(0, { status: "processing" }), row(1, { status: "failed" })])).toHaveLength(2);
  });

  it("allow one order per signal leg and role, and find a second, or a reused client order id", () => {
    const reversal = [order("o1", "sig_0", { leg: 0, role: "exit" }), order("o2", "sig_0", { leg: 1, role: "entry" }), order("m", null)];
    expect(checkOrdersUnique(reversal)).toEqual([]);
    expect(checkOrdersUnique([...reversal, order("o3", "sig_0", { leg: 1, role: "entry" })])).toEqual([expect.stringMatching(/sig_0 leg 1 entry ×2/)]);
    expect(checkOrdersUnique([order("a", "sig_0"), order("b", "sig_1", { clientOrderId: "c_a" })])).toEqual([expect.stringMatching(/client order ids .*c_a ×2/)]);
  });

  it("find an order whose signal the ledger does not hold", () => {
    expect(checkOrdersBelong([order("o1", "sig_0"), order("m", null)], [row(0)])).toEqual([]);
    expect(checkOrdersBelong([order("o1", "sig_9")], [row(0)])).toEqual([expect.stringMatching(/\(o1\)/)]);
  });

  it("accept a lane processed in sequence, ties in the finish time included", () => {
    const rows = [row(0), row(1, { processedAt: at(1) }), row(2)];
    const orders = [order("a", "sig_0"), order("b", "sig_1", { leg: 0 }), order("c", "sig_1", { leg: 1 }), order("d", "sig_2")];
    expect(checkLaneOrder(rows, orders)).toEqual([]);
  });

  it("find a signal that finished before an earlier one of its lane", () => {
    const rows = [row(0, { processedAt: at(10) }), row(1, { processedAt: at(5) })];
    expect(checkLaneOrder(rows, [])).toEqual([expect.stringMatching(/^1 signals finished before an earlier signal/)]);
  });

  it("find an order created after an order of a later signal", () => {
    const rows = [row(0), row(1), row(2)];
    expect(checkLaneOrder(rows, [order("a", "sig_0"), order("c", "sig_2"), order("b", "sig_1")])).toEqual([
      expect.stringMatching(/^1 orders were created after an order of a later signal \(b of signal #1 after one of #2\)/),
    ]);
  });
});
