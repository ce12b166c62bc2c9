import type { Db } from "../db/client.js";
import type { Database } from "../db/client.js";
import { commitDeliveryRows, type DeliveryRowInput, type StrategyCheck } from "../db/repositories/delivery-commit.js";
import { findDedupeOwner, signalsOfDelivery } from "../db/repositories/signals-repository.js";
import type { CanonicalSignal } from "../domain/signal.js";
import type { Clock } from "../lib/clock.js";
import type { IdSource } from "../lib/ids.js";
import { withTimeout } from "../lib/with-timeout.js";

export const SIGNAL_STATUSES = ["rejected", "queued", "processing", "processed", "failed"] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];
export type SignalSource = "tradingview" | "internal";

export type LedgerContext = {
  db: Db;
  database: Database;
  clock: Clock;
  ids: IdSource;
  /** How long a delivery waits for the database before it is answered as not committed; unset: no limit. */
  ledgerTimeoutMs?: number;
};

/**
 * A read an intake needs around its commit (the strategy, a duplicate's original), bounded like the
 * commit: a database that does not answer costs the sender a prompt 503, as one that refuses does.
 */
export function withinLedgerTimeout<T>(ctx: { ledgerTimeoutMs?: number }, read: Promise<T>): Promise<T> {
  const ms = ctx.ledgerTimeoutMs;
  return ms === undefined ? read : withTimeout(read, ms, () => new Error(`the database did not answer within ${ms} ms`));
}

export type Rejection = { code: string; reason: string; detail: string };

export type DeliveryInput = {
  strategyId: string;
  source: SignalSource;
  rawBody: string;
  contentType: string | undefined;
  sourceAddress: string | undefined;
  format: string | undefined;
  notes: string[];
  alertId: string | undefined;
  webhook?: { id: string; timestamp: Date };
  /** How duplicates are recognised; absent for deliveries that are not deduplicated. */
  dedupe?: { key: string; expiresAt: Date | null };
  /** The strategy as the intake saw it, when it read it from a cache: stored only if still so. */
  checked?: StrategyCheck;
  outcome: { ok: true; signals: CanonicalSignal[] } | ({ ok: false } & Rejection);
};

export type DeliveryReceipt = {
  deliveryId: string;
  /** The delivery's signals in command order: for a duplicate, the original's. */
  signals: Array<{ id: string; status: SignalStatus }>;
  duplicate: boolean;
  /** The original's webhook timestamp, for telling a sender's retry from a replay. */
  webhookTimestamp: Date | null;
};

/** The strategy changed since the intake read it (from its cache): nothing was stored; decide again. */
export class StaleStrategyError extends Error {
  constructor(readonly strategyId: string) {
    super(`strategy ${strategyId} changed while a delivery to it was being taken`);
    this.name = "StaleStrategyError";
  }
}

export const laneOf = (strategyId: string, symbol: string) => `${strategyId}:${symbol}`;

/** The lanes a delivery's signals queue work on (none for a rejected one). */
export const lanesOf = (strategyId: string, input: Pick<DeliveryInput, "outcome">): string[] =>
  input.outcome.ok ? input.outcome.signals.map((signal) => laneOf(strategyId, signal.symbol)) : [];

/**
 * Commits a delivery to the ledger, or recognises it as a duplicate, atomically. Only after this
 * returns may the caller answer 2xx: the rows are durable and queued (invariant 1).
 */
export async function commitDelivery({ ctx, input }: { ctx: LedgerContext; input: DeliveryInput }): Promise<DeliveryReceipt> {
  const deliveryId = ctx.ids.next("dlv");
  const now = ctx.clock.now();
  const clean = mayHoldNul(input.rawBody) ? storable(input) : input;
  const inserted = await commitDeliveryRows(ctx.database, {
    strategyId: clean.strategyId,
    deliveryId,
    dedupe: clean.dedupe,
    now,
    rows: buildRows(ctx, clean),
    source: clean.source,
    notes: clean.notes,
    format: clean.format ?? null,
    rawBody: clean.rawBody,
    contentType: clean.contentType ?? null,
    sourceAddress: clean.sourceAddress ?? null,
    alertId: clean.alertId ?? null,
    webhookId: clean.webhook?.id ?? null,
    webhookTimestamp: clean.webhook?.timestamp ?? null,
    receivedAt: now,
    checked: clean.checked,
  }, ctx.ledgerTimeoutMs);
  if (inserted === "stale") throw new StaleStrategyError(clean.strategyId);
  if (inserted.length > 0) {
    const signals = inserted.map((r) => ({ id: r.id, status: r.status as SignalStatus }));
    return { deliveryId, signals, duplicate: false, webhookTimestamp: input.webhook?.timestamp ?? null };
  }
  return originalOf(ctx, input);
}

/** The delivery that claimed this one's dedupe key first. */
async function originalOf(ctx: LedgerContext, input: DeliveryInput): Promise<DeliveryReceipt> {
  const owner = input.dedupe ? await withinLedgerTimeout(ctx, findDedupeOwner(ctx.db, input.strategyId, input.dedupe.key)) : undefined;
  const rows = owner ? await withinLedgerTimeout(ctx, signalsOfDelivery(ctx.db, owner)) : [];
  const first = rows[0];
  if (!owner || !first) throw new Error("a dedupe key is claimed by a delivery that has no rows");
  return {
    deliveryId: owner,
    signals: rows.map((r) => ({ id: r.id, status: r.status as SignalStatus })),
    duplicate: true,
    webhookTimestamp: first.webhookTimestamp,
  };
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000. A sender can put one in any field, and refusing to
 * store the delivery would turn that into a 503 that TradingView retries forever, so it is
 * replaced with U+FFFD (the replacement character) before anything is written.
 */
export function storable<T>(value: T): T {
  if (typeof value === "string") return (value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value) as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  }
  return value;
}

/**
 * Whether anything derived from this body can hold U+0000: a raw NUL, a JSON escape of one, or a
 * form-encoded one. Everything else in a delivery comes from headers (which cannot hold it) or from
 * the gateway itself, so a body without these needs no walk through the whole delivery.
 */
function mayHoldNul(rawBody: string): boolean {
  return rawBody.includes("\u0000") || rawBody.includes("\\u0000") || rawBody.includes("%00");
}

function buildRows(ctx: LedgerContext, input: DeliveryInput): DeliveryRowInput[] {
  const none = { symbol: null, lane: null, signal: null, reject_code: null, reject_reason: null, reject_detail: null };
  if (!input.outcome.ok) {
    const { code, reason, detail } = input.outcome;
    return [{ ...none, id: ctx.ids.next("sig"), command_index: 0, status: "rejected", reject_code: code, reject_reason: reason, reject_detail: detail }];
  }
  return input.outcome.signals.map((signal, index) => ({
    ...none,
    id: ctx.ids.next("sig"),
    command_index: index,
    status: "queued",
    symbol: signal.symbol,
    lane: laneOf(input.strategyId, signal.symbol),
    signal,
  }));
}
