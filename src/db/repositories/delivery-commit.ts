import type { Database } from "../client.js";
import { deliveryGroupCommit } from "./delivery-group-commit.js";
import type { CommitOutcome, DeliveryCommit } from "./delivery-statement.js";

export { CommitTimeoutError } from "./delivery-group-commit.js";
export type { CommitOutcome, DeliveryCommit, DeliveryRowInput, InsertedRow, StrategyCheck } from "./delivery-statement.js";

/**
 * Commits a delivery (group-committed with whatever else is arriving): its inserted rows (id,
 * status), none when the dedupe key belongs to an earlier delivery, or 'stale' when the strategy no
 * longer is what `c.checked` says. With `timeoutMs`, a CommitTimeoutError once that long passes
 * without an answer from the database.
 */
export function commitDeliveryRows(database: Database, c: DeliveryCommit, timeoutMs?: number): Promise<CommitOutcome> {
  return deliveryGroupCommit(database).commit(c, timeoutMs);
}
