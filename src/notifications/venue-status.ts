import type { LiveAccounts, VenueStatusRegistry } from "../execution/live-status.js";
import type { Clock } from "../lib/clock.js";
import { reconciliationMismatchEvent, venueUnhealthyEvent } from "./events.js";
import type { Notifier } from "./notifier.js";

const UNHEALTHY: ReadonlySet<string> = new Set(["degraded", "unavailable"]);

/**
 * The venue module reports each live account's health and reconciliation here, every pass. This
 * registry passes the reports on unchanged and publishes an event when one turns bad: health into
 * degraded or unavailable (venue.unhealthy), reconciliation into mismatch (reconciliation.mismatch).
 * Only on the change, so an exchange down for an hour is one notification, not one per pass. The
 * registry is in memory, per instance: after a restart the first bad report notifies again.
 */
export function notifyingVenueStatus(registry: VenueStatusRegistry, notifier: Notifier, clock: Clock): VenueStatusRegistry {
  return {
    reportHealth: (accountId, status, detail) => {
      const before = registry.statusOf(accountId).health.status;
      registry.reportHealth(accountId, status, detail);
      if (UNHEALTHY.has(status) && status !== before) {
        void notifier.publish([venueUnhealthyEvent({ accountId, health: status, previousHealth: before, detail: detail ?? null, at: clock.now() })]);
      }
    },
    reportReconciliation: (accountId, status, detail) => {
      const before = registry.statusOf(accountId).reconciliation.status;
      registry.reportReconciliation(accountId, status, detail);
      if (status === "mismatch" && before !== "mismatch") void notifier.publish([reconciliationMismatchEvent({ accountId, detail: detail ?? null, at: clock.now() })]);
    },
    statusOf: (accountId) => registry.statusOf(accountId),
  };
}

/** The live accounts with their status registry wrapped by notifyingVenueStatus. */
export function withVenueNotifications(accounts: LiveAccounts, notifier: Notifier, clock: Clock): LiveAccounts {
  return { ...accounts, status: notifyingVenueStatus(accounts.status, notifier, clock) };
}
