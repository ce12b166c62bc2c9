import { sql } from "drizzle-orm";
import { ReadWriteLock } from "../../lib/read-write-lock.js";
import { isEmbedded, type Db } from "../client.js";

// One advisory lock key for the kill switch, shared by every instance on the database.
export const KILL_SWITCH_LOCK = 7_302_114_552;

/**
 * Changing a trading state takes the lock exclusively; placing an order takes it shared and reads
 * the state inside the same transaction. So once a PUT has returned, every order placed after it
 * sees the new state, and every order placed before it is already booked (and then cancelled).
 * A live order takes it shared again across its venue call (execution/live/kill-switch-send-guard.ts),
 * so that holds for an order still on its way to the exchange too.
 */
export async function lockKillSwitchExclusive(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${KILL_SWITCH_LOCK})`);
}

export async function lockKillSwitchShared(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock_shared(${KILL_SWITCH_LOCK})`);
}

const GATES = new WeakMap<Db, ReadWriteLock>();

/**
 * The kill switch in process, for an embedded database only: there a live order cannot hold a
 * transaction across its venue call (PGlite's one session would stall every webhook for the
 * exchange's round trip), and one process is every user of the database, so a readers-writer lock
 * gives the same guarantee. Live sends hold it shared; a trading state change holds it exclusively
 * around its transaction (withKillSwitchGate).
 */
export function killSwitchGate(db: Db): ReadWriteLock {
  let gate = GATES.get(db);
  if (!gate) GATES.set(db, (gate = new ReadWriteLock()));
  return gate;
}

/** Runs a trading state change holding the in-process gate exclusively on an embedded database. */
export function withKillSwitchGate<T>(db: Db, work: () => Promise<T>): Promise<T> {
  return isEmbedded(db) ? killSwitchGate(db).exclusive(work) : work();
}
