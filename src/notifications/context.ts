import type { Database, Db } from "../db/client.js";
import type { RawQuery } from "../db/raw-query.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { createNotificationDispatcher, type NotificationDispatcher } from "./dispatcher.js";
import { createNotifier, newEventId, NO_NOTIFIER, type Notifier } from "./notifier.js";
import type { Fetch } from "./send.js";
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

export type NotificationsOptions = {
  database: Database;
  clock: Clock;
  logger: Logger;
  sinks: readonly NotificationSinkConfig[];
  env: Readonly<Record<string, string | undefined>>;
  pollMs: number;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  newId?: (() => string) | undefined;
  random?: (() => number) | undefined;
  fetch?: Fetch | undefined;
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
      database: o.database,
      clock: o.clock,
      logger: o.logger,
      sinks: o.sinks,
      env: o.env,
      pollMs: o.pollMs,
      timeoutMs: o.timeoutMs,
      policy: { maxAttempts: o.maxAttempts, baseDelayMs: o.retryBaseMs, maxDelayMs: Math.max(MAX_DELAY_MS, o.retryBaseMs) },
      random: o.random,
      fetch: o.fetch,
    }),
  };
}
