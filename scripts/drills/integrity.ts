import type { Database } from "../../src/db/client.js";

/**
 * Nothing half-written, read straight from the database once the gateway has stopped: each query
 * counts rows that break one rule, so a count above zero is a failure named by its rule. Paper
 * trading commits a signal's decisions, orders, fills, position and "processed" in one
 * transaction, so none of these can exist without the others.
 */
const RULES: ReadonlyArray<readonly [string, string]> = [
  ["processed signals without processed_at or result", "select count(*)::int as n from signals where status = 'processed' and (processed_at is null or result is null)"],
  ["accepted signals without their canonical signal or lane", "select count(*)::int as n from signals where status <> 'rejected' and (signal is null or lane is null)"],
  ["orders without the risk decision that placed them", "select count(*)::int as n from orders o where o.signal_id is not null and not exists (select 1 from risk_decisions d where d.order_id = o.id)"],
  ["risk decisions naming an order that does not exist", "select count(*)::int as n from risk_decisions d where d.order_id is not null and not exists (select 1 from orders o where o.id = d.order_id)"],
  ["risk decisions of a signal that is not processed", "select count(*)::int as n from risk_decisions d where d.signal_id is not null and not exists (select 1 from signals s where s.id = d.signal_id and s.status = 'processed')"],
  ["orders of a signal that is not processed", "select count(*)::int as n from orders o where o.signal_id is not null and not exists (select 1 from signals s where s.id = o.signal_id and s.status = 'processed')"],
  ["signal legs with more than one order", "select count(*)::int as n from (select 1 from orders where signal_id is not null group by signal_id, leg, role having count(*) > 1) t"],
  ["orders whose filled quantity is not the sum of their fills", "select count(*)::int as n from orders o where o.filled_quantity <> coalesce((select sum(f.quantity) from fills f where f.order_id = o.id), 0)"],
  ["fills of an order that does not exist", "select count(*)::int as n from fills f where not exists (select 1 from orders o where o.id = f.order_id)"],
  [
    "positions whose quantity is not the net of their fills",
    "select count(*)::int as n from positions p where p.quantity <> coalesce((select sum(case when f.side = 'buy' then f.quantity else -f.quantity end) from fills f where f.position_id = p.id), 0)",
  ],
];

export type IntegrityCounts = { signals: number; decisions: number; orders: number; fills: number };

export async function checkIntegrity(database: Database): Promise<{ failures: string[]; counts: IntegrityCounts }> {
  const failures: string[] = [];
  for (const [rule, text] of RULES) {
    const [row] = await database.query<{ n: number }>(text, []);
    const n = Number(row?.n ?? 0);
    if (n > 0) failures.push(`${n} ${rule}`);
  }
  const count = async (table: string) => Number((await database.query<{ n: number }>(`select count(*)::int as n from ${table}`, []))[0]?.n ?? 0);
  const counts = { signals: await count("signals"), decisions: await count("risk_decisions"), orders: await count("orders"), fills: await count("fills") };
  return { failures, counts };
}

/** Work a stopped gateway left claimed: signals still processing, backtests and searches still running. */
export async function leftRunning(database: Database): Promise<{ signals: number; backtests: number; searches: number }> {
  const n = async (text: string) => Number((await database.query<{ n: number }>(text, []))[0]?.n ?? 0);
  return {
    signals: await n("select count(*)::int as n from signals where status = 'processing'"),
    backtests: await n("select count(*)::int as n from backtests where status = 'running'"),
    searches: await n("select count(*)::int as n from parameter_searches where status = 'running'"),
  };
}
