import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listSinks } from "../../../notifications/notification-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { NotificationSinkSchema } from "./schemas.js";

const SinkListSchema = z.object({ data: z.array(NotificationSinkSchema) }).openapi("NotificationSinkList");

const route = createRoute({
  method: "get",
  path: "/v1/notifications/sinks",
  tags: ["notifications"],
  operationId: "listNotificationSinks",
  summary: "List notification sinks",
  description:
    "The sinks configured in NOTIFICATION_SINKS, in their configured order, with their event filter and health (last " +
    "success, last failure and its error, deliveries pending and failed). Never a URL, token or secret.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  responses: {
    200: { description: "Every configured sink.", content: { "application/json": { schema: SinkListSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS),
  },
});

export function registerListNotificationSinks(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const data = await listSinks({ ctx: c.get("services").notifications });
    return c.json(SinkListSchema.parse({ data }), 200);
  });
}
