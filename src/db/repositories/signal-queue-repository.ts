import { and, eq, lt, sql } from "drizzle-orm";
import type { CanonicalSignal } from "../../domain/signal.js";
import type { Db } from "../client.js";
import type { RawQuery } from "../raw-query.js";
import { signals } from "../schema/signals.js";

/** What a worker gets when it claims a signal. */
export type ClaimedSignal = {
  id: string;
  deliveryId: string;
  strategyId: string;
  source: string;
  symbol: string;
  lane: string;
  signal: CanonicalSignal;
  attempts: number;
  receivedAt: Date;
};

/**
 * Claims the oldest signal that heads a free lane. The lane heads (the oldest open signal of each
 * strategy+symbol) are found by skipping through the partial (lane, seq) index, one probe per lane,
 * so the cost does not grow with the backlog. A head that is `processing` means its lane is busy;
 * a `queued` head is free. The free heads are then locked one at a time, oldest first, each by its
 * primary key, until one is taken: any query that let the planner choose (joining the heads back,
 * or `id = any(...) and status = 'queued'`) walked every queued row through the (status, seq)
 * index instead, because the statistics say almost nothing is queued. That cost milliseconds per
 * claim exactly when a backlog had built up. The order comes from the sorted heads, which the
 * nested loop keeps: an ORDER BY above the lateral would lock every free head before picking one.
 * SKIP LOCKED lets several workers and instances claim different lanes at once, and
 * `s.status = 'queued'` is re-checked on the locked row, so a lane is never claimed twice.
 */
const CLAIM = `with recursive heads as (
  (select id, lane, seq, status from signals where status in ('queued', 'processing') order by lane, seq limit 1)
  union all
  select n.id, n.lane, n.seq, n.status from heads h cross join lateral (
    select id, lane, seq, status from signals
    where status in ('queued', 'processing') and lane > h.lane
    order by lane, seq limit 1
  ) as n
),
candidate as (
  select c.id from (select id, seq from heads where status = 'queued' order by seq) as h
  cross join lateral (
    select s.id from signals s where s.id = h.id and s.status = 'queued' for update of s skip locked
  ) as c
  limit 1
)
update signals set status = 'processing', claimed_by = $1, claim_expires_at = $2::timestamptz, attempts = attempts + 1
where id = (select id from candidate)
returning id, delivery_id, strategy_id, source, symbol, lane, signal, attempts, received_at`;

const FINISH = `update signals
set status = $3, result = $4::text::jsonb, claimed_by = null, claim_expires_at = null, processed_at = $5::timestamptz
where id = $1 and claimed_by = $2 and status = 'processing'
returning id`;

type ClaimRow = {
  id: string;
  delivery_id: string;
  strategy_id: string;
  source: string;
  symbol: string;
  lane: string;
  signal: CanonicalSignal | string;
  attempts: number;
  received_at: Date | string;
};

/**
 * On the pool (`database.query`), the claim commits at once. Inside the transaction that finishes
 * the worker's previous signal, it commits with that signal's "processed": the lane's next head
 * becomes claimable by the same statement that releases the lane, and no round trip of its own.
 */
export async function claimNextSignal(query: RawQuery, claim: { workerId: string; now: Date; leaseMs: number }): Promise<ClaimedSignal | undefined> {
  const expires = new Date(claim.now.getTime() + claim.leaseMs).toISOString();
  const [row] = await query<ClaimRow>(CLAIM, [claim.workerId, expires]);
  if (!row) return undefined;
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    strategyId: row.strategy_id,
    source: row.source,
    symbol: row.symbol,
    lane: row.lane,
    signal: typeof row.signal === "string" ? (JSON.parse(row.signal) as CanonicalSignal) : row.signal,
    attempts: Number(row.attempts),
    receivedAt: new Date(row.received_at),
  };
}

/**
 * Finishes a claim, on the pool or inside the transaction that did the signal's work. False when
 * the claim was lost (its lease expired and another worker took it).
 */
export async function finishSignal(
  query: RawQuery,
  done: { id: string; workerId: string; status: "processed" | "failed" | "queued"; result: unknown; now: Date },
): Promise<boolean> {
  const processedAt = done.status === "queued" ? null : done.now.toISOString();
  const rows = await query(FINISH, [done.id, done.workerId, done.status, JSON.stringify(done.result ?? null), processedAt]);
  return rows.length === 1;
}

/** Dead claims released: how many went back to their lane, and how many had no attempt left and failed. */
export type ReleasedClaims = { requeued: number; abandoned: number };

/**
 * A dead claim goes back to the queue, keeping its place in its lane, unless it has used every
 * attempt: then it fails with PROCESSING_ABANDONED. A signal that kills or hangs its process never
 * reaches the worker's failure path, so without the count it would be claimed again at every
 * restart or lease expiry and hold every later signal of its lane forever.
 */
function releaseDeadClaims(maxAttempts: number, now: Date) {
  const exhausted = sql`${signals.attempts} >= ${maxAttempts}::int`;
  return {
    status: sql<string>`case when ${exhausted} then 'failed' else 'queued' end`,
    claimedBy: null,
    claimExpiresAt: null,
    processedAt: sql<Date | null>`case when ${exhausted} then ${now.toISOString()}::timestamptz end`,
    result: sql`case when ${exhausted} then jsonb_build_object('error', 'PROCESSING_ABANDONED', 'attempts', ${signals.attempts}) else ${signals.result} end`,
  };
}

function countReleased(rows: { status: string }[]): ReleasedClaims {
  const abandoned = rows.filter((r) => r.status === "failed").length;
  return { requeued: rows.length - abandoned, abandoned };
}

/** Claims whose worker died (lease over) go back to the queue, or fail with no attempt left. */
export async function requeueExpiredClaims(db: Db, now: Date, maxAttempts: number): Promise<ReleasedClaims> {
  const rows = await db
    .update(signals)
    .set(releaseDeadClaims(maxAttempts, now))
    .where(and(eq(signals.status, "processing"), lt(signals.claimExpiresAt, now)))
    .returning({ status: signals.status });
  return countReleased(rows);
}

/**
 * At start, claims held by an earlier run of this same instance are certainly dead: release them at
 * once rather than after their lease (failing those with no attempt left). `instancePrefix` names
 * the instance; `bootPrefix` this run.
 */
export async function requeueClaimsOfEarlierRuns(
  db: Db,
  instancePrefix: string,
  bootPrefix: string,
  limits: { maxAttempts: number; now: Date },
): Promise<ReleasedClaims> {
  const rows = await db
    .update(signals)
    .set(releaseDeadClaims(limits.maxAttempts, limits.now))
    .where(
      and(
        eq(signals.status, "processing"),
        sql`starts_with(${signals.claimedBy}, ${instancePrefix})`,
        sql`not starts_with(${signals.claimedBy}, ${bootPrefix})`,
      ),
    )
    .returning({ status: signals.status });
  return countReleased(rows);
}

const RELEASE = `update signals set status = 'queued', claimed_by = null, claim_expires_at = null, attempts = attempts - 1
where id = $1 and claimed_by = $2 and status = 'processing'`;

/**
 * Gives back a claim that was never worked on (a worker stopping with the next signal claimed): the
 * signal keeps its place in its lane, and the claim does not count as an attempt.
 */
export async function releaseClaim(query: RawQuery, claim: { id: string; workerId: string }): Promise<void> {
  await query(RELEASE, [claim.id, claim.workerId]);
}
