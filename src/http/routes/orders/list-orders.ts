import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ORDER_STATUSES } from "../../../domain/order.js";
import { listOrders } from "../../../trading/order-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { NextCursorSchema, OrderSchema, tradingListQueryShape } from "./schemas.js";
import { orderView } from "./views.js";

const QuerySchema = z.object({
  ...tradingListQueryShape,
  status: z.enum(ORDER_STATUSES).optional(),
  signal: z.string().max(64).optional().openapi({ description: "A signal id: the orders it produced.", example: "sig_V1StGXR8Z5jdHi6B" }),
});

const OrderPageSchema = z.object({ data: z.array(OrderSchema), nextCursor: NextCursorSchema }).openapi("OrderPage");

const route = createRoute({
  method: "get",
  path: "/v1/orders",
  tags: ["orders"],
  operationId: "listOrders",
  summary: "List orders",
  description: "Every order in every state, newest first, with cursor pagination. Fills are on the single order.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { query: QuerySchema },
  responses: {
    200: { description: "A page of orders.", content: { "application/json": { schema: OrderPageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED"),
  },
});

export function registerListOrders(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const page = await listOrders({ ctx: c.get("services").trading, input: c.req.valid("query") });
    return c.json(OrderPageSchema.parse({ data: page.rows.map(orderView), nextCursor: page.nextCursor }), 200);
  });
}
