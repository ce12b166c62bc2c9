import { alertNumber } from "./alerts.js";
import type { LedgerRow, OrderRow } from "./api.js";

/**
 * The invariants the drills assert, as pure functions of what the API returned: each returns
 * one line per kind of breach (empty when the invariant holds), naming a few examples.
 */

const some = (items: readonly unknown[], max = 5) => `${items.slice(0, max).join(", ")}${items.length > max ? ", …" : ""}`;

function breach(count: number, what: string, examples: readonly unknown[]): string[] {
  return count === 0 ? [] : [`${count} ${what} (${some(examples)})`];
}

/** Durable before acknowledge: every alert answered 2xx is in the ledger and was processed. */
export function checkAcknowledged(acks: ReadonlyMap<number, string>, rows: readonly LedgerRow[]): string[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing: number[] = [];
  const unprocessed: string[] = [];
  for (const [n, id] of acks) {
    const row = byId.get(id);
    if (!row) missing.push(n);
    else if (row.status !== "processed" || row.processedAt === null) unprocessed.push(`${id} ${row.status}`);
  }
  return [
    ...breach(missing.length, "alerts answered 2xx are missing from the ledger: alert", missing),
    ...breach(unprocessed.length, "acknowledged signals were not processed", unprocessed),
  ];
}

/** Exactly once in the ledger: no alert number stored twice, and every row is one of the drill's alerts. */
export function checkNoDuplicateAlerts(rows: readonly LedgerRow[]): string[] {
  const seen = new Map<number, number>();
  const foreign: string[] = [];
  for (const row of rows) {
    const n = alertNumber(row.rawBody);
    if (n === undefined) foreign.push(row.id);
    else seen.set(n, (seen.get(n) ?? 0) + 1);
  }
  const twice = [...seen].filter(([, count]) => count > 1).map(([n, count]) => `alert ${n} ×${count}`);
  return [...breach(twice.length, "alerts are in the ledger more than once", twice), ...breach(foreign.length, "ledger rows carry no alert number", foreign)];
}

/** Nothing left behind: no signal still queued or processing, none failed. */
export function checkSettled(rows: readonly LedgerRow[]): string[] {
  const open = rows.filter((r) => r.status === "queued" || r.status === "processing").map((r) => `${r.id} ${r.status}`);
  const failed = rows.filter((r) => r.status === "failed").map((r) => r.id);
  return [...breach(open.length, "signals are still queued or processing", open), ...breach(failed.length, "signals failed", failed)];
}

/**
 * Exactly-once effect: one order per signal, leg and role (a reversal has two legs, never two
 * orders for one), and client order ids unique.
 */
export function checkOrdersUnique(orders: readonly OrderRow[]): string[] {
  const byLeg = new Map<string, number>();
  const byClientId = new Map<string, number>();
  for (const o of orders) {
    byClientId.set(o.clientOrderId, (byClientId.get(o.clientOrderId) ?? 0) + 1);
    if (o.signalId) {
      const key = `${o.signalId} leg ${o.leg} ${o.role}`;
      byLeg.set(key, (byLeg.get(key) ?? 0) + 1);
    }
  }
  const twice = [...byLeg].filter(([, c]) => c > 1).map(([k, c]) => `${k} ×${c}`);
  const reused = [...byClientId].filter(([, c]) => c > 1).map(([k, c]) => `${k} ×${c}`);
  return [...breach(twice.length, "signal legs have more than one order", twice), ...breach(reused.length, "client order ids are used more than once", reused)];
}

/** Orders of signals the ledger does not hold (from a rolled-back or foreign signal). */
export function checkOrdersBelong(orders: readonly OrderRow[], rows: readonly LedgerRow[]): string[] {
  const ids = new Set(rows.map((r) => r.id));
  const orphans = orders.filter((o) => o.signalId !== null && !ids.has(o.signalId)).map((o) => o.id);
  return breach(orphans.length, "orders name a signal the ledger does not hold", orphans);
}

/**
 * Ordered per lane: with the lane's rows in ledger sequence, processing finished in that order,
 * and the orders (in the order they were created) came from signals in that order.
 */
export function checkLaneOrder(rowsInSequence: readonly LedgerRow[], ordersInSequence: readonly OrderRow[]): string[] {
  const failures: string[] = [];
  const backwards: string[] = [];
  let last = "";
  for (const row of rowsInSequence) {
    if (row.processedAt === null) continue;
    if (row.processedAt < last) backwards.push(`${row.id} at ${row.processedAt} after ${last}`);
    if (row.processedAt > last) last = row.processedAt;
  }
  failures.push(...breach(backwards.length, "signals finished before an earlier signal of their lane", backwards));
  const position = new Map(rowsInSequence.map((r, i) => [r.id, i]));
  const overtaken: string[] = [];
  let highest = -1;
  for (const o of ordersInSequence) {
    const at = o.signalId === null ? undefined : position.get(o.signalId);
    if (at === undefined) continue;
    if (at < highest) overtaken.push(`${o.id} of signal #${at} after one of #${highest}`);
    highest = Math.max(highest, at);
  }
  failures.push(...breach(overtaken.length, "orders were created after an order of a later signal", overtaken));
  return failures;
}
