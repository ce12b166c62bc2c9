import type { Db } from "../../db/client.js";
import { findTradingState, upsertTradingState } from "../../db/repositories/trading-states-repository.js";
import { rawQuery } from "../../db/raw-query.js";
import { tradingStateChangedEvent } from "../../notifications/events.js";
import type { Notifier } from "../../notifications/notifier.js";
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
  notifier?: Notifier,
): Promise<void> {
  // Read only when someone listens: setting the state it already has is not an event.
  const previous = notifier?.wants("trading_state.changed") ? ((await findTradingState(db, "account", change.accountId))?.state ?? "ACTIVE") : undefined;
  await upsertTradingState(db, { scope: "account", scopeId: change.accountId, state: change.state, reason: change.reason, changedBy: "venue", changedAt: change.at });
  if (previous !== undefined && previous !== change.state) {
    const event = tradingStateChangedEvent({ scope: "account", scopeId: change.accountId, state: change.state, previousState: previous, reason: change.reason, changedBy: "venue", changedAt: change.at });
    await notifier?.record(rawQuery(db), [event]);
  }
  logger.error({ accountId: change.accountId, reason: change.reason, detail: change.detail }, `account trading ${change.state} by the venue: someone must look`);
}
