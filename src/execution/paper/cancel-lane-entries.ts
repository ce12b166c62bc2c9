import type { Db } from "../../db/client.js";
import { workingEntriesOfLane, type Lane } from "../../db/repositories/lane-entries-repository.js";
import { cancelWorkingOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import type { OrderSide } from "../../domain/order.js";
import type { IdSource } from "../../lib/ids.js";
import { protectPartialEntry } from "./paper-venue.js";

/**
 * Cancels the lane's working paper entries on `sides`, inside the caller's transaction, which must
 * hold the symbol's lock (so no price event fills one between the read and the cancel). A cancelled
 * entry is no longer working, so the limit fallback sweep never replaces it; what one did fill
 * before gets its protection, as a cancel through the API gives it.
 */
export async function cancelLaneEntries(
  ctx: { ids: IdSource },
  tx: Db,
  lane: Lane,
  sides: readonly OrderSide[],
  at: Date,
  reason: string,
): Promise<StoredOrder[]> {
  const cancelled: StoredOrder[] = [];
  for (const entry of await workingEntriesOfLane(tx, lane, sides)) {
    const done = await cancelWorkingOrder(tx, entry.id, at, reason);
    if (!done) continue;
    await protectPartialEntry(ctx, tx, done);
    cancelled.push(done);
  }
  return cancelled;
}
