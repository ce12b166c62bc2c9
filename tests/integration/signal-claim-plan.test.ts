import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimNextSignal } from "../../src/db/repositories/signal-queue-repository.js";
import { strategies } from "../../src/db/schema/strategies.js";
import { openTestDatabase, type TestDatabase } from "../helpers/test-database.js";

/**
 * A claim must cost the same whatever the backlog: when alerts pile up is exactly when workers
 * need to be fast. The statistics of a live ledger say almost nothing is queued (most rows are
 * long processed), so a planner left free to choose walks every queued row through the
 * (status, seq) index. This test builds that situation and counts, from the executed plan, how many
 * signal rows one claim reads.
 */
let db: TestDatabase;
const BACKLOG = 3000;
const LANES = ["stg_q:BTC/USDT", "stg_q:ETH/USDT", "stg_q:SOL/USDT"];

beforeAll(async () => {
  db = await openTestDatabase();
  const now = new Date();
  await db.database.db.insert(strategies).values({
    id: "stg_q", key: "q", name: "q", enabled: true, allowedSymbols: [], webhookTokenHash: "q", passphraseHash: null, createdAt: now, updatedAt: now,
  });
  // A history of processed signals, analysed: the statistics a long-running gateway has.
  await insertSignals("processed", 4000);
  await db.database.query("analyze signals", []);
  // Then a burst the statistics have not seen: every lane has a long queue.
  await insertSignals("queued", BACKLOG);
});
afterAll(() => db.dispose());

async function insertSignals(status: "processed" | "queued", count: number): Promise<void> {
  await db.database.query(
    `insert into signals (id, delivery_id, command_index, strategy_id, source, status, symbol, lane, signal, notes, raw_body, received_at)
     select $1 || n, $1 || n, 0, 'stg_q', 'internal', $1, split_part(($2::text[])[1 + n % 3], ':', 2), ($2::text[])[1 + n % 3],
       '{}'::jsonb, '[]'::jsonb, '{}', now()
     from generate_series(1, $3::int) as n`,
    [status, LANES, count],
  );
}

type PlanNode = { "Relation Name"?: string; "Actual Rows"?: number; "Actual Loops"?: number; Plans?: PlanNode[] };

/** Rows the executed plan read from `signals`, summed over every scan of it. */
function signalRowsRead(node: PlanNode): number {
  const own = node["Relation Name"] === "signals" ? (node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + signalRowsRead(child), 0);
}

/** Runs the claim as EXPLAIN ANALYZE (which executes it), returning its plan. */
async function explainClaim(): Promise<PlanNode> {
  let plan: PlanNode | undefined;
  await claimNextSignal(
    async (text, params) => {
      const [row] = await db.database.query<{ "QUERY PLAN": unknown }>(`explain (analyze, format json) ${text}`, params);
      const json = typeof row?.["QUERY PLAN"] === "string" ? JSON.parse(row["QUERY PLAN"]) : row?.["QUERY PLAN"];
      plan = (json as Array<{ Plan: PlanNode }>)[0]?.Plan;
      return [];
    },
    { workerId: "w-plan", now: new Date(), leaseMs: 30_000 },
  );
  if (!plan) throw new Error("no plan came back");
  return plan;
}

describe("claiming the next signal", () => {
  it("reads the lane heads, not the backlog, even when the statistics say nothing is queued", async () => {
    for (let claim = 1; claim <= LANES.length; claim++) {
      const plan = await explainClaim();
      // A few probes per lane (heads, then the lock by primary key), never the thousands queued.
      expect(signalRowsRead(plan)).toBeLessThan(50);
    }
    // The three claims took the three lane heads, oldest first, and nothing else.
    const claimed = await db.database.query<{ id: string; lane: string }>(
      "select id, lane from signals where status = 'processing' order by seq",
      [],
    );
    expect(claimed).toEqual([1, 2, 3].map((n) => ({ id: `queued${n}`, lane: LANES[n % 3] })));
    // Every lane is now busy: a fourth claim finds nothing, still without reading the backlog.
    const busy = await explainClaim();
    expect(signalRowsRead(busy)).toBeLessThan(50);
    const [open] = await db.database.query<{ processing: number }>(
      "select count(*)::int as processing from signals where status = 'processing'",
      [],
    );
    expect(open?.processing).toBe(3);
  });
});
