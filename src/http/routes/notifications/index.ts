import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerListNotificationDeliveries } from "./list-deliveries.js";
import { registerListNotificationSinks } from "./list-sinks.js";
import { registerTestNotificationSink } from "./test-sink.js";

export function registerNotificationRoutes(app: OpenAPIHono) {
  registerListNotificationSinks(app);
  registerTestNotificationSink(app);
  registerListNotificationDeliveries(app);
}
