import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listDeliveries } from "../../../notifications/notification-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { NextCursorSchema } from "../orders/schemas.js";
import { DeliveryStatusSchema, NotificationDeliverySchema } from "./schemas.js";

const QuerySchema = z.object({
  status: DeliveryStatusSchema.optional(),
  sink: z.string().max(63).optional().openapi({ description: "A sink's name." }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().openapi({ description: "`nextCursor` of the previous page." }),
});

const DeliveryPageSchema = z.object({ data: z.array(NotificationDeliverySchema), nextCursor: NextCursorSchema }).openapi("NotificationDeliveryPage");

const route = createRoute({
  method: "get",
  path: "/v1/notifications/deliveries",
  tags: ["notifications"],
  operationId: "listNotificationDeliveries",
  summary: "List notification deliveries",
  description: "One row per event and sink, newest first, with its attempts, next attempt and last error; cursor pagination.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { query: QuerySchema },
  responses: {
    200: { description: "A page of deliveries.", content: { "application/json": { schema: DeliveryPageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED"),
  },
});

export function registerListNotificationDeliveries(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const page = await listDeliveries({ ctx: c.get("services").notifications, input: c.req.valid("query") });
    return c.json(DeliveryPageSchema.parse({ data: page.rows, nextCursor: page.nextCursor }), 200);
  });
}
