import { and, asc, desc, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { signalDedupe } from "../schema/signal-dedupe.js";
import { signals, type SignalRow } from "../schema/signals.js";

export async function findDedupeOwner(db: Db, strategyId: string, key: string): Promise<string | undefined> {
  const [row] = await db
    .select({ deliveryId: signalDedupe.deliveryId })
    .from(signalDedupe)
    .where(and(eq(signalDedupe.strategyId, strategyId), eq(signalDedupe.key, key)))
    .limit(1);
  return row?.deliveryId;
}

export async function deleteExpiredDedupeKeys(db: Db, now: Date): Promise<void> {
  await db.delete(signalDedupe).where(lt(signalDedupe.expiresAt, now));
}

export async function signalsOfDelivery(db: Db, deliveryId: string): Promise<SignalRow[]> {
  return db.select().from(signals).where(eq(signals.deliveryId, deliveryId)).orderBy(asc(signals.commandIndex));
}

export async function findSignalById(db: Db, id: string): Promise<SignalRow | undefined> {
  const [row] = await db.select().from(signals).where(eq(signals.id, id)).limit(1);
  return row;
}

export type SignalFilter = {
  strategyId?: string;
  status?: string;
  since?: Date;
  until?: Date;
  /** Newest first: rows with seq below this one. */
  beforeSeq?: number;
  limit: number;
};

export async function listSignalRows(db: Db, filter: SignalFilter): Promise<SignalRow[]> {
  const conditions: SQL[] = [];
  if (filter.strategyId) conditions.push(eq(signals.strategyId, filter.strategyId));
  if (filter.status) conditions.push(eq(signals.status, filter.status));
  if (filter.since) conditions.push(gte(signals.receivedAt, filter.since));
  if (filter.until) conditions.push(lte(signals.receivedAt, filter.until));
  if (filter.beforeSeq !== undefined) conditions.push(lt(signals.seq, filter.beforeSeq));
  return db
    .select()
    .from(signals)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(signals.seq))
    .limit(filter.limit);
}
