import { placeLiveOrder } from "../execution/live/place-live-order.js";
import { placeOrder, type PlaceOrderInput, type PlaceOrderResult } from "../execution/place-order.js";
import { ApiError } from "../http/errors.js";
import { countLiveOrder } from "../metrics/count-live-order.js";
import { liveAccountIds } from "../db/repositories/accounts-repository.js";
import type { TradingContext } from "./context.js";

/**
 * An operator's order (a manual order, a close, a flatten's close) on whichever venue its account
 * trades on: the paper venue, or the account's exchange through the live path (intent committed,
 * venue call, booking). An exchange account without a configured venue is refused, never booked as
 * paper.
 */
export async function placeForAccount(ctx: TradingContext, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  const venue = ctx.liveVenues?.venueOf(input.accountId);
  if (!venue) {
    if ((await liveAccountIds(ctx.db)).has(input.accountId)) {
      throw new ApiError("CONFLICT", `account '${input.accountId}' is an exchange account that is not configured on this instance`);
    }
    return placeOrder({ ctx, input });
  }
  const markets = await venue.loadMarkets();
  const placed = await placeLiveOrder(ctx, venue, input, markets.ok ? markets.value.get(input.symbol) : undefined);
  countLiveOrder(ctx.metrics, placed);
  return placed;
}
