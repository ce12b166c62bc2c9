import type { Db } from "../db/client.js";
import type { RawQuery } from "../db/raw-query.js";
import type { Clock } from "../lib/clock.js";
import { createNotificationDispatcher, type DispatcherOptions, type NotificationDispatcher } from "./dispatcher.js";
import { createNotifier, newEventId, NO_NOTIFIER, type Notifier } from "./notifier.js";
import type { NotificationSinkConfig } from "./sinks-config.js";

/** What the notification services and the composition root use: the sinks, the notifier for the core, the dispatcher. */
export type NotificationsContext = {
  readonly db: Db;
  readonly query: RawQuery;
  readonly clock: Clock;
  /** Names of secret variables only, never their values. */
  readonly sinks: readonly NotificationSinkConfig[];
  readonly newId: () => string;
  /** Handed to the core through its contexts; writes nothing when no sink is configured. */
  readonly notifier: Notifier;
  /** Started and stopped with the signal workers. */
  readonly dispatcher: NotificationDispatcher;
};

/** The dispatcher's options, with its retry policy given as configured (attempts and base delay). */
export type NotificationsOptions = Omit<DispatcherOptions, "policy"> & {
  maxAttempts: number;
  retryBaseMs: number;
  newId?: (() => string) | undefined;
};

// Doubling stops at an hour: with 8 attempts and a 30 s base the last comes about an hour after the first.
const MAX_DELAY_MS = 60 * 60 * 1000;

export function createNotifications(o: NotificationsOptions): NotificationsContext {
  const newId = o.newId ?? newEventId;
  const query = o.database.query;
  return {
    db: o.database.db,
    query,
    clock: o.clock,
    sinks: o.sinks,
    newId,
    notifier: o.sinks.length > 0 ? createNotifier({ sinks: o.sinks, query, logger: o.logger, newId }) : NO_NOTIFIER,
    dispatcher: createNotificationDispatcher({
      ...o,
      policy: { maxAttempts: o.maxAttempts, baseDelayMs: o.retryBaseMs, maxDelayMs: Math.max(MAX_DELAY_MS, o.retryBaseMs) },
    }),
  };
}
