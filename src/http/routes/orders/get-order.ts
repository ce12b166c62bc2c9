import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getOrder } from "../../../trading/order-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { idParamSchema, OrderDetailSchema } from "./schemas.js";
import { orderDetailView } from "./views.js";

const route = createRoute({
  method: "get",
  path: "/v1/orders/{id}",
  tags: ["orders"],
  operationId: "getOrder",
  summary: "Read one order",
  description: "The order with its fills, oldest first.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: idParamSchema("ord_V1StGXR8Z5jdHi6B") },
  responses: {
    200: { description: "The order.", content: { "application/json": { schema: OrderDetailSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerGetOrder(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const order = await getOrder({ ctx: c.get("services").trading, input: c.req.valid("param") });
    return c.json(OrderDetailSchema.parse(orderDetailView(order)), 200);
  });
}
