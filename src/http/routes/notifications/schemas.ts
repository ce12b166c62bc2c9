import { z } from "@hono/zod-openapi";
import { NOTIFICATION_EVENT_TYPES } from "../../../notifications/events.js";
import { DELIVERY_STATUSES } from "../../../notifications/notification-service.js";
import { SINK_TYPES } from "../../../notifications/sinks-config.js";

const SINK_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const NotificationEventTypeSchema = z.enum(NOTIFICATION_EVENT_TYPES).openapi("NotificationEventType", {
  description: "An event a sink can subscribe to. A test event (`test`) goes to the one sink it was sent to, whatever its filter.",
});

export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES).openapi("NotificationDeliveryStatus", {
  description: "pending (not yet sent, or waiting for a retry) → delivered, or failed (refused for good, or out of attempts).",
});

export const NotificationSinkSchema = z
  .object({
    name: z.string().openapi({ example: "ops-slack" }),
    type: z.enum(SINK_TYPES),
    events: z.array(NotificationEventTypeSchema).openapi({ description: "The sink's filter: the event types it receives." }),
    health: z
      .object({
        lastSuccessAt: z.iso.datetime().nullable(),
        lastFailureAt: z.iso.datetime().nullable(),
        lastError: z.string().nullable().openapi({ description: "The latest failed attempt's error: a status and the start of the answer, or a network error. Never a URL, token or secret." }),
        pending: z.number().int().openapi({ description: "Deliveries waiting to be sent or retried." }),
        failed: z.number().int().openapi({ description: "Deliveries that failed for good." }),
      })
      .openapi({ description: "From the stored deliveries, across every instance." }),
  })
  .openapi("NotificationSink");

export const NotificationDeliverySchema = z
  .object({
    eventId: z.string().openapi({ description: "The event's id: the `webhook-id` a webhook sink receives on every attempt.", example: "evt_V1StGXR8Z5jdHi6B" }),
    eventType: z.string().openapi({ example: "fill" }),
    sink: z.string().openapi({ example: "ops-slack" }),
    status: DeliveryStatusSchema,
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable().openapi({ description: "Pending only: when it is tried next." }),
    lastAttemptAt: z.iso.datetime().nullable(),
    lastStatusCode: z.number().int().nullable().openapi({ description: "The HTTP status of the last answer; null when there was none (a network error)." }),
    lastError: z.string().nullable().openapi({ description: "The last failed attempt's error, kept after a later success. Never a URL, token or secret." }),
    deliveredAt: z.iso.datetime().nullable(),
    occurredAt: z.iso.datetime().openapi({ description: "When the event happened." }),
    createdAt: z.iso.datetime().openapi({ description: "When the delivery was queued for this sink." }),
  })
  .openapi("NotificationDelivery");

export const SinkNameParamSchema = z.object({
  name: z
    .string()
    .regex(SINK_NAME, { error: "must be a sink name: lowercase letters, digits, '-' and '_'" })
    .openapi({ param: { name: "name", in: "path" }, example: "ops-slack" }),
});

export const QueuedTestSchema = z
  .object({
    eventId: z.string().openapi({ example: "evt_V1StGXR8Z5jdHi6B" }),
    sink: z.string().openapi({ example: "ops-slack" }),
    status: z.literal("queued"),
  })
  .openapi("QueuedTestNotification");
