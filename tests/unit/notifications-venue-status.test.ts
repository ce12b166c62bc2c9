import { describe, expect, it } from "vitest";
import { createVenueStatusRegistry } from "../../src/execution/live-status.js";
import type { NotificationEvent } from "../../src/notifications/events.js";
import type { Notifier } from "../../src/notifications/notifier.js";
import { notifyingVenueStatus } from "../../src/notifications/venue-status.js";

const at = new Date("2026-03-01T12:00:00.000Z");
const clock = { now: () => at };

function recording(): { notifier: Notifier; published: NotificationEvent[] } {
  const published: NotificationEvent[] = [];
  return {
    published,
    notifier: { wants: () => true, record: async () => {}, publish: async (events) => void published.push(...events) },
  };
}

describe("notifyingVenueStatus", () => {
  it("publishes venue.unhealthy when an account's health turns bad, once per turn, not on every report while it stays bad", () => {
    const { notifier, published } = recording();
    const registry = notifyingVenueStatus(createVenueStatusRegistry(clock), notifier, clock);
    const reports: Array<[string, "ok" | "degraded" | "unavailable"]> = [
      ["binance-main", "ok"],
      ["binance-main", "unavailable"],
      ["binance-main", "unavailable"],
      ["binance-main", "degraded"],
      ["binance-main", "ok"],
      ["binance-main", "unavailable"],
      ["bybit-main", "unavailable"],
    ];
    for (const [account, health] of reports) registry.reportHealth(account, health, `${health}: VENUE_TIMEOUT`);
    expect(published.map((e) => [e.type, e.data.accountId, e.data.previousHealth, e.data.health])).toEqual([
      ["venue.unhealthy", "binance-main", "ok", "unavailable"],
      ["venue.unhealthy", "binance-main", "unavailable", "degraded"],
      ["venue.unhealthy", "binance-main", "ok", "unavailable"],
      ["venue.unhealthy", "bybit-main", "unknown", "unavailable"],
    ]);
    expect(published[0]).toEqual({
      type: "venue.unhealthy",
      occurredAt: at,
      data: { accountId: "binance-main", health: "unavailable", previousHealth: "ok", detail: "unavailable: VENUE_TIMEOUT", at: at.toISOString() },
    });
    // The reports themselves pass through unchanged.
    expect(registry.statusOf("binance-main").health).toEqual({ status: "unavailable", checkedAt: at, detail: "unavailable: VENUE_TIMEOUT" });
  });

  it("publishes reconciliation.mismatch when reconciliation turns to mismatch, not while it stays there", () => {
    const { notifier, published } = recording();
    const registry = notifyingVenueStatus(createVenueStatusRegistry(clock), notifier, clock);
    for (const status of ["in_sync", "mismatch", "mismatch", "failed", "in_sync", "mismatch"] as const) registry.reportReconciliation("acc", status, `${status} detail`);
    expect(published).toEqual([
      { type: "reconciliation.mismatch", occurredAt: at, data: { accountId: "acc", detail: "mismatch detail", at: at.toISOString() } },
      { type: "reconciliation.mismatch", occurredAt: at, data: { accountId: "acc", detail: "mismatch detail", at: at.toISOString() } },
    ]);
    expect(registry.statusOf("acc").reconciliation.status).toBe("mismatch");
  });
});
