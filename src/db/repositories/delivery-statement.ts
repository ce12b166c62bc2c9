/**
 * Commits a batch of deliveries in one prepared statement: claim their dedupe keys, lock their
 * lanes, insert the rows of every delivery whose claim succeeded (or that has no dedupe key). One
 * round trip and one WAL flush for the whole batch, atomic without an explicit transaction.
 *
 * Order matters and is forced by data dependencies: the insert reads the lock's result, so every
 * row's `seq` is drawn after its lanes are locked, and rows are inserted in batch order, then command
 * order. Within a lane, `seq` order is therefore commit order, which the queue relies on.
 *
 * A delivery may carry the strategy fields its intake decided on (read from a cache): it is stored
 * only if the strategy still has them, so a disabled strategy or a rotated token or passphrase takes
 * effect at once, on every instance. Otherwise it comes back as one row with status 'stale', and
 * the intake decides again on a fresh read.
 *
 * A batch must not hold two deliveries with the same (strategy, dedupe key): one statement cannot
 * claim a key twice. The group committer keeps them apart.
 */
const BATCH = `with d as (
  select * from jsonb_to_recordset($1::text::jsonb) as d(
    ord int, strategy_id text, delivery_id text, dedupe_key text, expires_at timestamptz, rows jsonb,
    source text, notes jsonb, format text, raw_body text, content_type text, source_address text,
    alert_id text, webhook_id text, webhook_timestamp timestamptz, received_at timestamptz, checked jsonb
  )
),
current as (
  select * from d where d.checked is null or exists (
    select 1 from strategies s
    where s.id = d.strategy_id
      and s.key = d.checked->>'key'
      and s.webhook_token_hash = d.checked->>'tokenHash'
      and s.passphrase_hash is not distinct from d.checked->>'passphraseHash'
      and s.enabled = (d.checked->>'enabled')::boolean
      and s.allowed_symbols = array(select jsonb_array_elements_text(d.checked->'allowedSymbols'))
  )
),
claim as (
  insert into signal_dedupe (strategy_id, key, delivery_id, expires_at)
  select strategy_id, dedupe_key, delivery_id, expires_at from current where dedupe_key is not null
  on conflict (strategy_id, key) do update set delivery_id = excluded.delivery_id, expires_at = excluded.expires_at
    where signal_dedupe.expires_at is not null and signal_dedupe.expires_at <= $2::timestamptz
  returning delivery_id
),
locked as (
  select count(*) as n from unnest($3::text[]) as l, lateral (select pg_advisory_xact_lock(hashtextextended(l, 0))) as x
),
accepted as (
  select * from current where current.dedupe_key is null or current.delivery_id in (select delivery_id from claim)
),
inserted as (
insert into signals (
  id, delivery_id, command_index, strategy_id, source, status, symbol, lane, signal, notes, format, raw_body,
  content_type, source_address, alert_id, webhook_id, webhook_timestamp, received_at, reject_code, reject_reason,
  reject_detail
)
select r.id, a.delivery_id, r.command_index, a.strategy_id, a.source, r.status, r.symbol, r.lane, r.signal, a.notes,
  a.format, a.raw_body, a.content_type, a.source_address, a.alert_id, a.webhook_id, a.webhook_timestamp,
  a.received_at, r.reject_code, r.reject_reason, r.reject_detail
from locked, accepted as a, jsonb_to_recordset(a.rows) as r(
  id text, command_index int, status text, symbol text, lane text, signal jsonb,
  reject_code text, reject_reason text, reject_detail text
)
order by a.ord, r.command_index
returning id, status, delivery_id, command_index
)
select id, status, delivery_id, command_index from inserted
union all
select null, 'stale', delivery_id, 0 from d where d.delivery_id not in (select delivery_id from current)`;

export type DeliveryRowInput = {
  id: string;
  command_index: number;
  status: string;
  symbol: string | null;
  lane: string | null;
  signal: unknown;
  reject_code: string | null;
  reject_reason: string | null;
  reject_detail: string | null;
};

export type DeliveryCommit = {
  strategyId: string;
  deliveryId: string;
  dedupe: { key: string; expiresAt: Date | null } | undefined;
  now: Date;
  rows: DeliveryRowInput[];
  source: string;
  notes: string[];
  format: string | null;
  rawBody: string;
  contentType: string | null;
  sourceAddress: string | null;
  alertId: string | null;
  webhookId: string | null;
  webhookTimestamp: Date | null;
  receivedAt: Date;
  /** The strategy as the intake saw it; the delivery is stored only if it is still so. */
  checked?: StrategyCheck | undefined;
};

/** What an intake's decision rests on: the strategy's authentication and gate. */
export type StrategyCheck = {
  key: string;
  tokenHash: string;
  passphraseHash: string | null;
  enabled: boolean;
  allowedSymbols: readonly string[];
};

export type InsertedRow = { id: string; status: string };

/** The batch statement for `commits` (in that order), with its parameters. */
export function batchStatement(commits: readonly DeliveryCommit[]): { text: string; params: unknown[] } {
  const lanes = new Set<string>();
  let now = 0;
  const deliveries = commits.map((c, ord) => {
    for (const r of c.rows) if (r.lane) lanes.add(r.lane);
    // A claim whose window ended before the newest delivery's clock may be taken over.
    now = Math.max(now, c.now.getTime());
    return {
      ord,
      strategy_id: c.strategyId,
      delivery_id: c.deliveryId,
      dedupe_key: c.dedupe?.key ?? null,
      expires_at: c.dedupe?.expiresAt?.toISOString() ?? null,
      rows: c.rows,
      source: c.source,
      notes: c.notes,
      format: c.format,
      raw_body: c.rawBody,
      content_type: c.contentType,
      source_address: c.sourceAddress,
      alert_id: c.alertId,
      webhook_id: c.webhookId,
      webhook_timestamp: c.webhookTimestamp?.toISOString() ?? null,
      received_at: c.receivedAt.toISOString(),
      checked: c.checked ?? null,
    };
  });
  // Sorted, so two batches (or instances) never wait on each other's lanes in opposite orders.
  return { text: BATCH, params: [JSON.stringify(deliveries), new Date(now).toISOString(), [...lanes].sort()] };
}

/** A delivery's outcome: its inserted rows in command order (none for a duplicate), or 'stale'. */
export type CommitOutcome = InsertedRow[] | "stale";

/** The statement's answer, split by delivery, in the order of `commits`. */
export function outcomesOf(commits: readonly DeliveryCommit[], rows: readonly BatchRow[]): CommitOutcome[] {
  const byId = new Map<string, BatchRow[]>(commits.map((c) => [c.deliveryId, []]));
  for (const row of rows) byId.get(row.delivery_id)?.push(row);
  return commits.map((c) => {
    const mine = byId.get(c.deliveryId) ?? [];
    if (mine.some((r) => r.status === "stale")) return "stale";
    return mine.sort((a, b) => Number(a.command_index) - Number(b.command_index)).map((r) => ({ id: r.id as string, status: r.status }));
  });
}

export type BatchRow = { id: string | null; status: string; delivery_id: string; command_index: number };
