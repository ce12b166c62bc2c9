import { cancelPaperOrder } from "../execution/paper/paper-venue.js";
import { ApiError } from "../http/errors.js";
import type { TradingContext } from "./context.js";
import { getOrder, type OrderWithFills } from "./order-queries.js";

/**
 * Cancels a working order (new, submitted, partially filled) in any trading state: HALTED allows
 * nothing but cancels. An order that is already final cannot be cancelled; a fill that committed
 * first wins over the cancel.
 */
export async function cancelOrder({ ctx, input }: { ctx: TradingContext; input: { id: string } }): Promise<OrderWithFills> {
  const result = await cancelPaperOrder(ctx, { orderId: input.id, reason: null });
  if (!result) throw new ApiError("NOT_FOUND", `no order with id ${input.id}`);
  if (!result.cancelled) throw new ApiError("CONFLICT", `order ${input.id} is ${result.order.status}: only working orders can be cancelled`);
  return getOrder({ ctx, input: { id: input.id } });
}
