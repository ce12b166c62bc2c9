import { readExchangeCredentials, type ExchangeAccountConfig, type ExchangeCredentials } from "../config/exchange-accounts.js";
import type { Clock } from "../lib/clock.js";

export const VENUE_HEALTH = ["ok", "degraded", "unavailable", "unknown"] as const;
export type VenueHealth = (typeof VENUE_HEALTH)[number];

export const RECONCILIATION_STATUSES = ["in_sync", "mismatch", "failed", "unknown"] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

/** One reported fact about a live account's venue: what, when, and an operator-facing detail. */
export type StatusReport<S extends string> = Readonly<{ status: S; checkedAt: Date | null; detail: string | null }>;

export type LiveAccountStatus = Readonly<{
  health: StatusReport<VenueHealth>;
  reconciliation: StatusReport<ReconciliationStatus>;
}>;

/**
 * Where the live venue module reports each account's venue health and reconciliation outcome, and
 * where `GET /v1/accounts` reads them. In memory, per instance: a restart shows "unknown" until the
 * venue module reports again. `detail` reaches API responses: never put credentials or raw venue
 * error bodies in it.
 */
export interface VenueStatusRegistry {
  reportHealth(accountId: string, status: VenueHealth, detail?: string): void;
  reportReconciliation(accountId: string, status: ReconciliationStatus, detail?: string): void;
  statusOf(accountId: string): LiveAccountStatus;
}

const UNKNOWN: LiveAccountStatus = {
  health: { status: "unknown", checkedAt: null, detail: null },
  reconciliation: { status: "unknown", checkedAt: null, detail: null },
};

export function createVenueStatusRegistry(clock: Clock): VenueStatusRegistry {
  const statuses = new Map<string, LiveAccountStatus>();
  const update = (accountId: string, change: Partial<LiveAccountStatus>) =>
    statuses.set(accountId, { ...(statuses.get(accountId) ?? UNKNOWN), ...change });
  return {
    reportHealth: (accountId, status, detail) => update(accountId, { health: { status, checkedAt: clock.now(), detail: detail ?? null } }),
    reportReconciliation: (accountId, status, detail) =>
      update(accountId, { reconciliation: { status, checkedAt: clock.now(), detail: detail ?? null } }),
    statusOf: (accountId) => statuses.get(accountId) ?? UNKNOWN,
  };
}

/**
 * The configured live accounts (credential variable NAMES only), their reported status, and the one
 * way to read an account's credentials: from the environment, at the moment of use.
 */
export type LiveAccounts = Readonly<{
  accounts: readonly ExchangeAccountConfig[];
  status: VenueStatusRegistry;
  /** For the venue adapter only; throws when the account is unknown or a variable went missing. */
  credentialsOf(accountId: string): ExchangeCredentials;
}>;

export function createLiveAccounts(options: {
  accounts: readonly ExchangeAccountConfig[];
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
}): LiveAccounts {
  return {
    accounts: options.accounts,
    status: createVenueStatusRegistry(options.clock),
    credentialsOf: (accountId) => {
      const account = options.accounts.find((a) => a.id === accountId);
      if (!account) throw new Error(`no live account with id '${accountId}' is configured`);
      return readExchangeCredentials(account, options.env);
    },
  };
}
