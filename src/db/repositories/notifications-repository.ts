import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import type { RawQuery } from "../raw-query.js";
import { notificationDeliveries } from "../schema/notification-deliveries.js";
import { notificationEvents } from "../schema/notification-events.js";

/**
 * The notification outbox and its deliveries. Rows travel to the database as one JSON text
 * parameter, the same on both drivers, so a batch of events is one statement however many it holds.
 */

export type OutboxRow = { id: string; type: string; sink: string | null; payload: unknown; occurredAt: Date };

const INSERT_EVENTS = `insert into notification_events (id, type, sink, payload, occurred_at)
select e.value->>'id', e.value->>'type', e.value->>'sink', e.value->'payload', (e.value->>'occurredAt')::timestamptz
from jsonb_array_elements($1::text::jsonb) with ordinality as e(value, n)
order by e.n`;

/** One statement for the whole batch; inside a transaction, issue it with the transaction's other writes. */
export function insertNotificationEvents(query: RawQuery, rows: readonly OutboxRow[]): Promise<unknown> {
  const json = rows.map((r) => ({ id: r.id, type: r.type, sink: r.sink, payload: r.payload, occurredAt: r.occurredAt.toISOString() }));
  return query(INSERT_EVENTS, [JSON.stringify(json)]);
}

const PICK_UNFANNED = `select id, type, sink from notification_events where fanned_out_at is null
order by seq limit $1 for update skip locked`;

const INSERT_DELIVERIES = `insert into notification_deliveries (event_id, sink, event_type, status, attempts, next_attempt_at, created_at)
select d.value->>'eventId', d.value->>'sink', d.value->>'type', 'pending', 0, $2::timestamptz, $2::timestamptz
from jsonb_array_elements($1::text::jsonb) with ordinality as d(value, n)
order by d.n
on conflict do nothing`;

const MARK_FANNED = `update notification_events set fanned_out_at = $2::timestamptz
where id in (select jsonb_array_elements_text($1::text::jsonb))`;

export type UnfannedEvent = { id: string; type: string; sink: string | null };

/**
 * Turns up to `limit` new events into one pending delivery per sink `route` names, and marks them
 * fanned out, in the caller's transaction. SKIP LOCKED: instances fanning out at once take different
 * events. Resolves to how many events it took.
 */
export async function fanOutEvents(query: RawQuery, input: { now: Date; limit: number; route: (event: UnfannedEvent) => readonly string[] }): Promise<number> {
  const events = await query<UnfannedEvent>(PICK_UNFANNED, [input.limit]);
  if (events.length === 0) return 0;
  const deliveries = events.flatMap((e) => input.route(e).map((sink) => ({ eventId: e.id, sink, type: e.type })));
  const now = input.now.toISOString();
  await Promise.all([
    deliveries.length > 0 ? query(INSERT_DELIVERIES, [JSON.stringify(deliveries), now]) : undefined,
    query(MARK_FANNED, [JSON.stringify(events.map((e) => e.id)), now]),
  ]);
  return events.length;
}

const CLAIM = `with due as (
  select event_id, sink from notification_deliveries
  where sink = $1 and status = 'pending' and next_attempt_at <= $2::timestamptz
  order by next_attempt_at, seq
  limit 1
  for update skip locked
),
claimed as (
  update notification_deliveries d
  set attempts = d.attempts + 1, next_attempt_at = $3::timestamptz, last_attempt_at = $2::timestamptz
  from due where d.event_id = due.event_id and d.sink = due.sink
  returning d.event_id, d.attempts
)
select c.event_id, c.attempts, e.type, e.payload, e.occurred_at
from claimed c join notification_events e on e.id = c.event_id`;

export type ClaimedDelivery = { eventId: string; attempts: number; type: string; payload: Record<string, unknown>; occurredAt: Date };

/**
 * Claims the sink's oldest due delivery: counts the attempt and pushes its next attempt to
 * `leaseUntil`, so no other sender takes it while this one's request is in flight, and a sender that
 * dies leaves it due again once the lease is over.
 */
export async function claimDueDelivery(query: RawQuery, input: { sink: string; now: Date; leaseUntil: Date }): Promise<ClaimedDelivery | undefined> {
  const [row] = await query<{ event_id: string; attempts: number; type: string; payload: unknown; occurred_at: Date | string }>(CLAIM, [
    input.sink,
    input.now.toISOString(),
    input.leaseUntil.toISOString(),
  ]);
  if (!row) return undefined;
  const payload = typeof row.payload === "string" ? (JSON.parse(row.payload) as unknown) : row.payload;
  return { eventId: row.event_id, attempts: Number(row.attempts), type: row.type, payload: payload as Record<string, unknown>, occurredAt: new Date(row.occurred_at) };
}

const RECORD = `update notification_deliveries set
  status = $3, next_attempt_at = $4::timestamptz, last_status_code = $5::integer,
  last_error = coalesce($6::text, last_error),
  last_failure_at = case when $6::text is null then last_failure_at else $7::timestamptz end,
  delivered_at = $8::timestamptz
where event_id = $1 and sink = $2 and status = 'pending' and attempts = $9::integer
returning event_id`;

export type DeliveryResult = {
  eventId: string;
  sink: string;
  /** The claim's attempt number: a claim whose lease passed to another sender records nothing. */
  attempts: number;
  status: "pending" | "delivered" | "failed";
  nextAttemptAt: Date | null;
  statusCode: number | null;
  /** null on success: the last failure's error stays for the record. */
  error: string | null;
  at: Date;
};

/** Resolves to false when the claim was no longer this sender's. */
export async function recordDeliveryResult(query: RawQuery, r: DeliveryResult): Promise<boolean> {
  const rows = await query(RECORD, [
    r.eventId,
    r.sink,
    r.status,
    r.nextAttemptAt?.toISOString() ?? null,
    r.statusCode,
    r.error,
    r.at.toISOString(),
    r.status === "delivered" ? r.at.toISOString() : null,
    r.attempts,
  ]);
  return rows.length === 1;
}

const HEALTH = `select n.name as sink,
  (select delivered_at from notification_deliveries where sink = n.name and delivered_at is not null order by delivered_at desc limit 1) as last_success_at,
  f.last_failure_at, f.last_error,
  (select count(*)::int from notification_deliveries where sink = n.name and status = 'pending') as pending,
  (select count(*)::int from notification_deliveries where sink = n.name and status = 'failed') as failed
from jsonb_array_elements_text($1::text::jsonb) as n(name)
left join lateral (
  select last_failure_at, last_error from notification_deliveries
  where sink = n.name and last_failure_at is not null order by last_failure_at desc limit 1
) f on true`;

export type SinkHealthRow = { sink: string; lastSuccessAt: Date | null; lastFailureAt: Date | null; lastError: string | null; pending: number; failed: number };

export async function sinkHealthRows(query: RawQuery, sinks: readonly string[]): Promise<SinkHealthRow[]> {
  type Row = { sink: string; last_success_at: Date | string | null; last_failure_at: Date | string | null; last_error: string | null; pending: number; failed: number };
  const rows = await query<Row>(HEALTH, [JSON.stringify(sinks)]);
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return rows.map((r) => ({
    sink: r.sink,
    lastSuccessAt: date(r.last_success_at),
    lastFailureAt: date(r.last_failure_at),
    lastError: r.last_error,
    pending: Number(r.pending),
    failed: Number(r.failed),
  }));
}

export type DeliveryListRow = typeof notificationDeliveries.$inferSelect & { occurredAt: Date };

/** Newest first; `beforeSeq` continues a page. */
export async function listDeliveryRows(db: Db, filter: { status?: string | undefined; sink?: string | undefined; beforeSeq?: number | undefined; limit: number }): Promise<DeliveryListRow[]> {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(notificationDeliveries.status, filter.status));
  if (filter.sink) where.push(eq(notificationDeliveries.sink, filter.sink));
  if (filter.beforeSeq !== undefined) where.push(lt(notificationDeliveries.seq, filter.beforeSeq));
  const rows = await db
    .select({ delivery: notificationDeliveries, occurredAt: notificationEvents.occurredAt })
    .from(notificationDeliveries)
    .innerJoin(notificationEvents, eq(notificationEvents.id, notificationDeliveries.eventId))
    .where(and(...where))
    .orderBy(desc(notificationDeliveries.seq))
    .limit(filter.limit);
  return rows.map((r) => ({ ...r.delivery, occurredAt: r.occurredAt }));
}
