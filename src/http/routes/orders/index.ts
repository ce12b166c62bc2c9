import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerCancelOrder } from "./cancel-order.js";
import { registerGetOrder } from "./get-order.js";
import { registerListOrders } from "./list-orders.js";
import { registerPlaceOrder } from "./place-order.js";

export function registerOrderRoutes(app: OpenAPIHono) {
  registerListOrders(app);
  registerPlaceOrder(app);
  registerGetOrder(app);
  registerCancelOrder(app);
}
