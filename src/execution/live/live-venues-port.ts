import type { CcxtVenue } from "./ccxt-venue.js";

/**
 * The configured exchange accounts' venues, one per account. Kept apart from their construction
 * (live-venues.ts) so that a gateway without exchange accounts never loads ccxt: it is large, and
 * boot time matters.
 */
export type LiveVenues = {
  venueOf(accountId: string): CcxtVenue | undefined;
  /**
   * Connects every account in the background (markets, balances, then reconciliation) and starts
   * the periodic reconciliation. Returns at once: an exchange that is down must not hold up the start.
   */
  start(): Promise<void>;
  /** One reconciliation pass over every account, now (what start and the timer run). */
  reconcileNow(): Promise<void>;
  /** One pass of the protection watcher over every account, now (what its timer runs). */
  watchProtectionNow(): Promise<void>;
  stop(): Promise<void>;
};

export const NO_LIVE_VENUES: LiveVenues = {
  venueOf: () => undefined,
  start: async () => {},
  reconcileNow: async () => {},
  watchProtectionNow: async () => {},
  stop: async () => {},
};
