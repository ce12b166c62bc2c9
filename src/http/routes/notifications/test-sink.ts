import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { sendTestNotification } from "../../../notifications/notification-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { QueuedTestSchema, SinkNameParamSchema } from "./schemas.js";

const route = createRoute({
  method: "post",
  path: "/v1/notifications/sinks/{name}/test",
  tags: ["notifications"],
  operationId: "testNotificationSink",
  summary: "Send a test notification",
  description:
    "Needs the `write` scope. Queues a `test` event for this sink alone, whatever its filter, and answers at once: " +
    "it goes through the same queue, timeout and retries as every other event. Follow it with " +
    "`GET /v1/notifications/deliveries?sink={name}` (its `eventId` is in this answer).",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { params: SinkNameParamSchema },
  responses: {
    202: { description: "Queued.", content: { "application/json": { schema: QueuedTestSchema } } },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "NOT_FOUND"),
  },
});

export function registerTestNotificationSink(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const queued = await sendTestNotification({ ctx: c.get("services").notifications, input: { sink: c.req.valid("param").name } });
    return c.json(QueuedTestSchema.parse({ ...queued, status: "queued" }), 202);
  });
}
