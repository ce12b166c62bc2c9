import type { Db } from "../../db/client.js";
import { upsertTradingState } from "../../db/repositories/trading-states-repository.js";
import type { Logger } from "../../lib/logger.js";

/** The reasons the venue refuses the account itself: retrying cannot help. */
export const VENUE_AUTH_REASONS: ReadonlySet<string> = new Set(["VENUE_AUTH_FAILED", "VENUE_PERMISSION_DENIED", "VENUE_ACCOUNT_SUSPENDED"]);

/**
 * The venue moves an exchange account's trading state (never back: only an operator's PUT does):
 * HALTED when the exchange refuses its key, REDUCING when its balances disagree with our books.
 * Always with an error in the log, since someone has to act.
 */
export async function setStateByVenue(
  db: Db,
  logger: Logger,
  change: { accountId: string; state: "HALTED" | "REDUCING"; reason: string; at: Date; detail?: string },
): Promise<void> {
  await upsertTradingState(db, { scope: "account", scopeId: change.accountId, state: change.state, reason: change.reason, changedBy: "venue", changedAt: change.at });
  logger.error({ accountId: change.accountId, reason: change.reason, detail: change.detail }, `account trading ${change.state} by the venue: someone must look`);
}
