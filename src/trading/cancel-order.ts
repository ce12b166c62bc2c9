import { liveAccountIds } from "../db/repositories/accounts-repository.js";
import { findOrderById, type StoredOrder } from "../db/repositories/trading-repository.js";
import { isOpen } from "../domain/order.js";
import { cancelLiveOrder } from "../execution/live/cancel-live-order.js";
import { cancelPaperOrder } from "../execution/paper/paper-venue.js";
import { ApiError } from "../http/errors.js";
import type { TradingContext } from "./context.js";
import { getOrder, type OrderWithFills } from "./order-queries.js";

/**
 * Cancels a working order (new, submitted, partially filled) in any trading state: HALTED allows
 * nothing but cancels. An order that is already final cannot be cancelled; a fill that committed
 * first wins over the cancel.
 *
 * Where the order works decides how: one an exchange accepted is cancelled there first, and only
 * what the exchange answers is booked (a 503 when it does not answer: the order still works there);
 * one on its way to an exchange (`new`: the send's outcome is not known yet) cannot be cancelled
 * until it is known; paper orders, and the stops and targets the gateway holds for an exchange
 * account, are ours and are cancelled in our books.
 */
export async function cancelOrder({ ctx, input }: { ctx: TradingContext; input: { id: string } }): Promise<OrderWithFills> {
  const order = await findOrderById(ctx.db, input.id);
  if (!order) throw new ApiError("NOT_FOUND", `no order with id ${input.id}`);
  if (isOpen(order.status) && (await liveAccountIds(ctx.db)).has(order.accountId)) {
    if (order.venueOrderId !== null) return cancelAtExchange(ctx, order);
    if (order.status === "new") {
      throw new ApiError("CONFLICT", `order ${order.id} is on its way to its exchange and its outcome is not known yet: cancel it once it is working (GET /v1/orders/${order.id})`);
    }
  }
  const result = await cancelPaperOrder(ctx, { orderId: input.id, reason: null });
  if (!result) throw new ApiError("NOT_FOUND", `no order with id ${input.id}`);
  if (!result.cancelled) throw notWorking(result.order);
  return getOrder({ ctx, input: { id: input.id } });
}

async function cancelAtExchange(ctx: TradingContext, order: StoredOrder): Promise<OrderWithFills> {
  const venue = ctx.liveVenues?.venueOf(order.accountId);
  if (!venue) throw new ApiError("SERVICE_UNAVAILABLE", `order ${order.id} works at the exchange of account '${order.accountId}', which is not configured now: it was not cancelled`);
  const cancelled = await cancelLiveOrder(ctx, venue, order);
  if (!cancelled.ok) {
    throw new ApiError("SERVICE_UNAVAILABLE", `the exchange did not cancel order ${order.id} (${cancelled.reason}): it may still be working there; try again`);
  }
  if (cancelled.order.status !== "cancelled") throw notWorking(cancelled.order);
  return getOrder({ ctx, input: { id: order.id } });
}

function notWorking(order: StoredOrder): ApiError {
  return new ApiError("CONFLICT", `order ${order.id} is ${order.status}: only working orders can be cancelled`);
}
