import { sql } from "drizzle-orm";
import type { Db } from "../client.js";

// One advisory lock key for the kill switch, shared by every instance on the database.
export const KILL_SWITCH_LOCK = 7_302_114_552;

/**
 * Changing a trading state takes the lock exclusively; placing an order takes it shared and reads
 * the state inside the same transaction. So once a PUT has returned, every order placed after it
 * sees the new state, and every order placed before it is already booked (and then cancelled).
 */
export async function lockKillSwitchExclusive(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${KILL_SWITCH_LOCK})`);
}

export async function lockKillSwitchShared(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock_shared(${KILL_SWITCH_LOCK})`);
}
