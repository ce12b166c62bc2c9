import type { CcxtVenue } from "./ccxt-venue.js";

/**
 * The configured exchange accounts' venues, one per account. Kept apart from their construction
 * (live-venues.ts) so that a gateway without exchange accounts never loads ccxt: it is large, and
 * boot time matters.
 */
export type LiveVenues = {
  venueOf(accountId: string): CcxtVenue | undefined;
  /** Loads markets and balances for every account and reports each one's health. */
  start(): Promise<void>;
};

export const NO_LIVE_VENUES: LiveVenues = { venueOf: () => undefined, start: async () => {} };
