import { randomBytes } from "node:crypto";
import { insertNotificationEvents, type OutboxRow } from "../db/repositories/notifications-repository.js";
import type { RawQuery } from "../db/raw-query.js";
import type { Logger } from "../lib/logger.js";
import type { NotificationEvent, OutboxEventType } from "./events.js";
import type { NotificationSinkConfig } from "./sinks-config.js";

/**
 * The notifier port: where the core reports events. The real one writes them to the outbox; the
 * dispatcher delivers them later, off the trading path. NO_NOTIFIER (no sink configured, or a tool)
 * writes nothing. Handed to the core through its contexts, like the metrics.
 */
export type Notifier = {
  /** Whether some sink wants events of this type: when none does, nothing is written. */
  wants(type: OutboxEventType): boolean;
  /**
   * Inside the change's transaction: the events some sink wants, as one insert (none: no statement),
   * so they commit or roll back with the change. Issue it with the transaction's other writes.
   */
  record(query: RawQuery, events: readonly NotificationEvent[]): Promise<void>;
  /**
   * After a change that had no transaction of its own to join (it already committed): the same
   * insert on the pool. A failure is logged, never thrown: the change stands either way.
   */
  publish(events: readonly NotificationEvent[]): Promise<void>;
};

export const NO_NOTIFIER: Notifier = {
  wants: () => false,
  record: async () => {},
  publish: async () => {},
};

/** Event ids: the outbox row's key and the webhook-id receivers dedupe on; `evt_` and 96 random bits. */
export const newEventId = (): string => `evt_${randomBytes(12).toString("base64url")}`;

export function createNotifier(options: {
  sinks: readonly NotificationSinkConfig[];
  /** The pool, for publish. */
  query: RawQuery;
  logger: Logger;
  newId?: () => string;
}): Notifier {
  const newId = options.newId ?? newEventId;
  const wanted = new Set<OutboxEventType>(options.sinks.flatMap((s) => s.events));
  const wants = (type: OutboxEventType) => type === "test" || wanted.has(type);
  const rowsOf = (events: readonly NotificationEvent[]): OutboxRow[] =>
    events.filter((e) => wants(e.type)).map((e) => ({ id: newId(), type: e.type, sink: e.sink ?? null, payload: e.data, occurredAt: e.occurredAt }));
  const record = async (query: RawQuery, events: readonly NotificationEvent[]) => {
    const rows = options.sinks.length > 0 ? rowsOf(events) : [];
    if (rows.length > 0) await insertNotificationEvents(query, rows);
  };
  return {
    wants,
    record,
    publish: async (events) => {
      try {
        await record(options.query, events);
      } catch (err) {
        options.logger.error({ err, types: events.map((e) => e.type) }, "notification events could not be written; they are lost");
      }
    },
  };
}
