import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { placeManualOrder } from "../../../trading/manual-orders.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { IdempotencyHeaderSchema, PlaceOrderBodySchema, PlacedOrderSchema } from "./schemas.js";
import { placedOrderView } from "./views.js";

const route = createRoute({
  method: "post",
  path: "/v1/orders",
  tags: ["orders"],
  operationId: "placeOrder",
  summary: "Place an order manually",
  description:
    "Needs the `write` scope. The order goes through the same risk engine as a signal's, priced at the last price " +
    "known for the symbol (none, or too old: denied REFERENCE_PRICE_MISSING or REFERENCE_PRICE_STALE), and its " +
    "decision is stored like any other (with no signal). A denial is data, not an error: 200 with the decision and " +
    "`order: null`, and nothing reaches the venue. `Idempotency-Key` makes a retry safe.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: {
    headers: IdempotencyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: PlaceOrderBodySchema } } },
  },
  responses: {
    201: { description: "Placed: the decision and the order (a market order has its fills).", content: { "application/json": { schema: PlacedOrderSchema } } },
    200: {
      description: "Denied by the risk engine (`order: null`), or a replay of the Idempotency-Key's order: the original order and decision.",
      content: { "application/json": { schema: PlacedOrderSchema } },
    },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "NOT_FOUND", "CONFLICT"),
  },
});

export function registerPlaceOrder(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const result = await placeManualOrder({
      ctx: c.get("services").trading,
      input: { ...body, idempotencyKey: c.req.valid("header")["idempotency-key"] },
    });
    const view = PlacedOrderSchema.parse(placedOrderView(result));
    return result.order && !result.replayed ? c.json(view, 201) : c.json(view, 200);
  });
}
