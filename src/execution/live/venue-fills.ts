import type { OrderStatus } from "../../domain/order.js";
import { dec } from "../../domain/decimal.js";
import type { VenueOrder } from "./types.js";

/** ccxt's unified order status in the gateway's order states. */
export function orderStatusOf(order: VenueOrder): OrderStatus {
  const filled = dec(order.filled || "0");
  switch (order.status) {
    case "closed":
      return "filled";
    case "canceled":
      return "cancelled";
    case "expired":
      return "expired";
    case "rejected":
      return "rejected";
    default:
      return filled.gt(0) ? "partially_filled" : "submitted";
  }
}
