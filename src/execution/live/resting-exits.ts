import { restingExitsOfKey, VENUE_CANCEL_PENDING } from "../../db/repositories/native-protection-repository.js";
import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { findOpenPosition, updateOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import { dec } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import type { CcxtVenue } from "./ccxt-venue.js";
import { cancelAtVenue } from "./native-protection.js";
import type { LiveOrderContext } from "./place-live-order.js";

/**
 * Before an exit that closes the position: the position's other exits resting at the exchange (a
 * signal's limit exit) come off it first. On spot they lock the coins this exit sells, so a stop's
 * exit would be refused for insufficient balance and leave the position open without its stop; and
 * once the position is flat they would sell, or reduce, the key's next position, which no signal
 * asked to exit. Each is cancelled in our books and marked VENUE_CANCEL_PENDING in one commit before
 * the cancel is sent, so a crash in between is finished by the next protection pass; one that filled
 * at the exchange first is booked as filled. A partial exit leaves them: both are the signals' own.
 */
export async function withdrawRestingExits(ctx: LiveOrderContext, venue: CcxtVenue, exit: StoredOrder, rules: MarketRules | undefined): Promise<void> {
  if ((await restingExitsOfKey(ctx.db, exit, exit.id)).length === 0) return;
  const marked = await ctx.db.transaction(async (tx) => {
    await lockSymbol(tx, exit.symbol);
    const position = await findOpenPosition(tx, exit.accountId, exit.strategyId, exit.symbol);
    if (!position || !closesPosition(exit.quantity, position.quantity, rules)) return [];
    const now = ctx.clock.now();
    const rows = (await restingExitsOfKey(tx, exit, exit.id)).map((o): StoredOrder => ({ ...o, status: "cancelled", rejectReason: VENUE_CANCEL_PENDING, updatedAt: now }));
    for (const row of rows) await updateOrder(tx, row);
    return rows;
  });
  for (const row of marked) ctx.logger.info({ orderId: row.id, exitOrderId: exit.id }, "resting exit taken off the exchange for the exit that closes its position");
  await cancelAtVenue(ctx, venue, marked, rules);
}

/**
 * Whether an exit of `quantity` leaves less of the position than the market can trade: a close whose
 * quantity was cut to the step still closes. Without the market's rules, only all of it does.
 */
export function closesPosition(quantity: string, position: string, rules: MarketRules | undefined): boolean {
  const left = dec(position).abs().minus(quantity);
  return rules ? left.lt(rules.amountStep) : left.lte(0);
}
