import type { Db } from "../../db/client.js";
import { cancelWorkingEntriesOfLane, type Lane } from "../../db/repositories/lane-entries-repository.js";
import type { StoredOrder } from "../../db/repositories/trading-repository.js";
import type { OrderSide } from "../../domain/order.js";
import type { IdSource } from "../../lib/ids.js";
import { protectPartialEntry } from "./paper-venue.js";

/**
 * Cancels the lane's working paper entries on `sides` (one statement), inside the caller's
 * transaction, which must hold the symbol's lock (so no price event fills one meanwhile). A cancelled
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
  const cancelled = await cancelWorkingEntriesOfLane(tx, lane, sides, at, reason);
  for (const entry of cancelled) await protectPartialEntry(ctx, tx, entry);
  return cancelled;
}
