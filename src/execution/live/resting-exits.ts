import { restingExitsOfKey, VENUE_CANCEL_PENDING } from "../../db/repositories/native-protection-repository.js";
import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { findOpenPosition, findOrderById, updateOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import { dec, plain } from "../../domain/decimal.js";
import { fitQuantity, type MarketRules } from "../../domain/market.js";
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
export async function withdrawRestingExits(ctx: LiveOrderContext, venue: CcxtVenue, exit: StoredOrder, rules: MarketRules | undefined): Promise<number> {
  if ((await restingExitsOfKey(ctx.db, exit, exit.id)).length === 0) return 0;
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
  return marked.length;
}

/** The reason an exit intent carries when the position it was to close was gone before it was sent. */
export const POSITION_CLOSED_BEFORE_SEND = "POSITION_CLOSED_BEFORE_SEND";

export type FittedExit = { kind: "send"; order: StoredOrder } | { kind: "withdrawn"; order: StoredOrder };

/**
 * After resting exits came off the exchange, one of them may have filled there first, and the
 * position is smaller than when the exit was decided: the exit, still unsent, is cut to what the
 * position holds (on the market's step), or withdrawn (`cancelled`, POSITION_CLOSED_BEFORE_SEND)
 * when nothing the market can trade is left. Sent as decided, it would sell coins the position no
 * longer holds: on spot, the account's own.
 */
export async function fitExitToPosition(ctx: LiveOrderContext, exit: StoredOrder, rules: MarketRules | undefined, price: string | undefined): Promise<FittedExit> {
  return ctx.db.transaction(async (tx): Promise<FittedExit> => {
    await lockSymbol(tx, exit.symbol);
    const current = (await findOrderById(tx, exit.id)) ?? exit;
    if (current.status !== "new") return { kind: "send", order: current };
    const position = await findOpenPosition(tx, exit.accountId, exit.strategyId, exit.symbol);
    const signed = dec(position?.quantity ?? "0");
    // What the exit may still sell (a sell reduces a long, a buy a short).
    const held = exit.side === "sell" ? (signed.gt(0) ? signed : dec(0)) : signed.lt(0) ? signed.neg() : dec(0);
    if (held.gte(current.quantity)) return { kind: "send", order: current };
    const reference = current.limitPrice ?? price;
    const fitted = rules && reference ? fitQuantity(rules, held, dec(reference)) : undefined;
    const now = ctx.clock.now();
    if (!fitted?.ok) {
      const withdrawn: StoredOrder = { ...current, status: "cancelled", rejectReason: POSITION_CLOSED_BEFORE_SEND, updatedAt: now };
      await updateOrder(tx, withdrawn);
      ctx.logger.info({ orderId: current.id, held: plain(held) }, "exit withdrawn before sending: its position was closed meanwhile");
      return { kind: "withdrawn", order: withdrawn };
    }
    const cut: StoredOrder = { ...current, quantity: plain(fitted.quantity), updatedAt: now };
    await updateOrder(tx, cut);
    ctx.logger.info({ orderId: current.id, decided: current.quantity, sent: cut.quantity }, "exit cut to what its position still holds before sending");
    return { kind: "send", order: cut };
  });
}

/**
 * Whether an exit of `quantity` leaves less of the position than the market can trade: a close whose
 * quantity was cut to the step still closes. Without the market's rules, only all of it does.
 */
export function closesPosition(quantity: string, position: string, rules: MarketRules | undefined): boolean {
  const left = dec(position).abs().minus(quantity);
  return rules ? left.lt(rules.amountStep) : left.lte(0);
}
