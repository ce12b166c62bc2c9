import { insertNotificationEvents, listDeliveryRows, sinkHealthRows, type DeliveryListRow } from "../db/repositories/notifications-repository.js";
import { ApiError } from "../http/errors.js";
import { decodeCursor, encodeCursor, pageOf, type Page } from "../trading/query-input.js";
import type { NotificationsContext } from "./context.js";
import { testEvent, type NotificationEventType } from "./events.js";
import type { SinkType } from "./sinks-config.js";

export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type SinkView = {
  name: string;
  type: SinkType;
  events: readonly NotificationEventType[];
  /** From the deliveries, across every instance. */
  health: { lastSuccessAt: string | null; lastFailureAt: string | null; lastError: string | null; pending: number; failed: number };
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The configured sinks with their delivery health: names, types and filters, never a URL, token or secret. */
export async function listSinks({ ctx }: { ctx: NotificationsContext }): Promise<SinkView[]> {
  const health = new Map((await sinkHealthRows(ctx.query, ctx.sinks.map((s) => s.name))).map((h) => [h.sink, h]));
  return ctx.sinks.map((s) => {
    const h = health.get(s.name);
    return {
      name: s.name,
      type: s.type,
      events: s.events,
      health: {
        lastSuccessAt: iso(h?.lastSuccessAt ?? null),
        lastFailureAt: iso(h?.lastFailureAt ?? null),
        lastError: h?.lastError ?? null,
        pending: h?.pending ?? 0,
        failed: h?.failed ?? 0,
      },
    };
  });
}

/**
 * Queues a `test` event for one sink, whatever its filter, through the same outbox, dispatcher and
 * retries as every other event; its delivery shows in the deliveries listing under the event id.
 */
export async function sendTestNotification({ ctx, input }: { ctx: NotificationsContext; input: { sink: string } }): Promise<{ eventId: string; sink: string }> {
  if (!ctx.sinks.some((s) => s.name === input.sink)) throw new ApiError("NOT_FOUND", `no notification sink named ${input.sink}`);
  const event = testEvent(input.sink, ctx.clock.now());
  const eventId = ctx.newId();
  await insertNotificationEvents(ctx.query, [{ id: eventId, type: event.type, sink: input.sink, payload: event.data, occurredAt: event.occurredAt }]);
  ctx.dispatcher.wake();
  return { eventId, sink: input.sink };
}

export type DeliveryView = {
  eventId: string;
  eventType: string;
  sink: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  occurredAt: string;
  createdAt: string;
};

function deliveryView(r: DeliveryListRow): DeliveryView {
  return {
    eventId: r.eventId,
    eventType: r.eventType,
    sink: r.sink,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: r.status === "pending" ? iso(r.nextAttemptAt) : null,
    lastAttemptAt: iso(r.lastAttemptAt),
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    deliveredAt: iso(r.deliveredAt),
    occurredAt: r.occurredAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
  };
}

// At most 18 digits: every such number fits the bigint seq column, where 19 could overflow it.
const CURSOR = /^d:(\d{1,18})$/;

/** Deliveries newest first, by status and sink, with cursor pagination. */
export async function listDeliveries({
  ctx,
  input,
}: {
  ctx: NotificationsContext;
  input: { status?: DeliveryStatus | undefined; sink?: string | undefined; limit: number; cursor?: string | undefined };
}): Promise<Page<DeliveryView>> {
  const beforeSeq = input.cursor ? Number(decodeCursor(input.cursor, CURSOR)[1]) : undefined;
  const rows = await listDeliveryRows(ctx.db, { status: input.status, sink: input.sink, beforeSeq, limit: input.limit + 1 });
  const page = pageOf(rows, input.limit, (last) => encodeCursor("d:", String(last.seq)));
  return { rows: page.rows.map(deliveryView), nextCursor: page.nextCursor };
}
