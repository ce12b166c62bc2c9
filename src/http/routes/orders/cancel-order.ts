import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { cancelOrder } from "../../../trading/cancel-order.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { idParamSchema, OrderDetailSchema } from "./schemas.js";
import { orderDetailView } from "./views.js";

const route = createRoute({
  method: "post",
  path: "/v1/orders/{id}/cancel",
  tags: ["orders"],
  operationId: "cancelOrder",
  summary: "Cancel a working order",
  description:
    "Needs the `write` scope. Cancels an order that is new, submitted or partially filled (what it filled stays " +
    "filled). Allowed in every trading state, HALTED included. An order already filled, cancelled, rejected or " +
    "expired is a 409; a fill that lands first wins over the cancel. An order working at an exchange is cancelled " +
    "there first and answered as the exchange booked it; when the exchange does not cancel it now, a 503 and " +
    "nothing changes (it may still be working there). An order still on its way to an exchange (`new`) is a 409 " +
    "until its outcome is known.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { params: idParamSchema("ord_V1StGXR8Z5jdHi6B") },
  responses: {
    200: { description: "The cancelled order, with its fills.", content: { "application/json": { schema: OrderDetailSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT", "SERVICE_UNAVAILABLE"),
  },
});

export function registerCancelOrder(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const order = await cancelOrder({ ctx: c.get("services").trading, input: c.req.valid("param") });
    return c.json(OrderDetailSchema.parse(orderDetailView(order)), 200);
  });
}
