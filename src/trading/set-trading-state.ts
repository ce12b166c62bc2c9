import type { Db } from "../db/client.js";
import { lockKillSwitchExclusive, withKillSwitchGate } from "../db/repositories/kill-switch-lock.js";
import { liveAccountIds } from "../db/repositories/accounts-repository.js";
import { lockSymbols } from "../db/repositories/symbol-lock.js";
import { openPositionsInScope, workingOrders, type ScopeFilter, type StoredOrder, type StoredPosition } from "../db/repositories/trading-repository.js";
import { cancelLiveOrder } from "../execution/live/cancel-live-order.js";
import { findTradingState, upsertTradingState } from "../db/repositories/trading-states-repository.js";
import { rawQuery } from "../db/raw-query.js";
import type { TradingState } from "../domain/trading-state.js";
import { cancelPaperOrders } from "../execution/paper/paper-venue.js";
import { placeOrder, type PlaceOrderResult } from "../execution/place-order.js";
import { ApiError } from "../http/errors.js";
import { tradingStateChangedEvent } from "../notifications/events.js";
import { getTradingState, requireScopeExists, scopeKey, type TradingStateScope, type TradingStateView } from "../risk/trading-state-store.js";
import { closeOrderInput } from "./close-position.js";
import { placeForAccount } from "./place-for-account.js";
import type { TradingContext } from "./context.js";

/** One position the flatten tried to close: reason is null exactly when it is now flat. */
export type FlattenOutcome = { positionId: string; orderId: string | null; reason: string | null };

export type SetTradingStateInput = {
  target: TradingStateScope;
  state: TradingState;
  reason: string;
  actor: string;
  /** With HALTED only: close every open position in the scope before halting. */
  flatten?: boolean | undefined;
};

/**
 * Sets the kill switch. Everything happens in one transaction under the exclusive kill-switch lock,
 * so no order placed elsewhere interleaves, and once the call returns every later order sees the new
 * state. With `flatten`, each open position in the scope is first closed by a reduce-only market
 * order through the risk engine (judged by the state in force before this call: a scope that is
 * already HALTED stays closed to them); a denied or failed close is reported and never stops the
 * halt. HALTED then cancels the scope's working orders.
 */
export async function setTradingState({ ctx, input }: { ctx: TradingContext; input: SetTradingStateInput }): Promise<TradingStateView & { flattened: FlattenOutcome[] }> {
  await requireScopeExists(ctx, input.target);
  if (input.flatten && input.state !== "HALTED") {
    throw new ApiError("VALIDATION_FAILED", "flatten goes with state HALTED only", { errors: [{ path: "flatten", message: "only with state HALTED" }] });
  }
  const key = scopeKey(input.target);
  const filter = scopeFilter(input.target);
  const live = await liveAccountIds(ctx.db);
  // An exchange account's positions close at its exchange, and a venue call cannot sit inside the
  // locked transaction: they are closed first, through the live path, judged (like the paper ones)
  // by the state in force before this call.
  const liveOutcomes: FlattenOutcome[] = [];
  if (input.flatten) {
    for (const position of (await openPositionsInScope(ctx.db, filter)).filter((p) => live.has(p.accountId))) {
      liveOutcomes.push(await flattenLivePosition(ctx, position));
    }
  }
  // On PGlite the in-process gate too: a live send holds it shared, not a transaction (withKillSwitchGate).
  const flattened = await withKillSwitchGate(ctx.db, () => ctx.db.transaction(async (tx) => {
    await lockKillSwitchExclusive(tx);
    const open = input.flatten ? (await openPositionsInScope(tx, filter)).filter((p) => !live.has(p.accountId)) : [];
    const working = input.state === "HALTED" ? await workingOrders(tx, filter) : [];
    // Every symbol lock up front, in order: a price event holding one of them cannot deadlock with us.
    await lockSymbols(tx, [...open.map((p) => p.symbol), ...working.map((o) => o.symbol)]);
    const outcomes: FlattenOutcome[] = [];
    for (const position of open) outcomes.push(await flattenPosition(ctx, tx, position));
    const now = ctx.clock.now();
    // Read under the exclusive lock, so the previous state in the event is the one this call replaced.
    const notify = ctx.notifier?.wants("trading_state.changed") === true;
    const previousState = notify ? ((await findTradingState(tx, key.scope, key.id))?.state ?? "ACTIVE") : undefined;
    await upsertTradingState(tx, { scope: key.scope, scopeId: key.id, state: input.state, reason: input.reason, changedBy: input.actor, changedAt: now });
    if (previousState !== undefined && previousState !== input.state) {
      const change = { scope: key.scope, scopeId: key.id, state: input.state, previousState, reason: input.reason, changedBy: input.actor, changedAt: now };
      await ctx.notifier?.record(rawQuery(tx), [tradingStateChangedEvent(change)]);
    }
    // HALTED allows nothing but cancels: the orders still working in the scope are cancelled with it;
    // here, those only we hold (paper orders, and the stops and targets held for exchange accounts).
    if (input.state === "HALTED") {
      const ours = (await workingOrders(tx, filter)).filter((o) => !live.has(o.accountId) || o.venueOrderId === null);
      await cancelPaperOrders(tx, ours.filter((o) => o.status !== "new"), now, "TRADING_HALTED");
    }
    return outcomes;
  }));
  // Then, with the halt in force, the orders working at an exchange are cancelled there.
  if (input.state === "HALTED") await cancelAtExchanges(ctx, (await workingOrders(ctx.db, filter)).filter((o) => live.has(o.accountId) && o.venueOrderId !== null));
  return { ...(await getTradingState({ ctx, input: input.target })), flattened: [...liveOutcomes, ...flattened] };
}

/** What a close came to: flat (reason null), or the reason the position stayed open. */
function outcomeOf(positionId: string, { decision, order }: PlaceOrderResult): FlattenOutcome {
  if (!order) return { positionId, orderId: null, reason: decision?.reason ?? "DENIED" };
  if (order.status === "filled") return { positionId, orderId: order.id, reason: null };
  return { positionId, orderId: order.id, reason: order.rejectReason ?? `ORDER_${order.status.toUpperCase()}` };
}

/** An exchange position's close, through the live path; a failure is reported and never stops the halt. */
async function flattenLivePosition(ctx: TradingContext, position: StoredPosition): Promise<FlattenOutcome> {
  const positionId = position.id;
  try {
    return outcomeOf(positionId, await placeForAccount(ctx, await closeOrderInput(ctx.db, position)));
  } catch (err) {
    ctx.logger.error({ err, positionId }, "flatten: closing the exchange position failed");
    return { positionId, orderId: null, reason: "FLATTEN_FAILED" };
  }
}

/**
 * Cancels working orders at their exchange and books what the exchange answers (cancelled, with
 * any fill it had made). One the exchange cannot cancel now is logged; reconciliation books its
 * final state later.
 */
async function cancelAtExchanges(ctx: TradingContext, orders: readonly StoredOrder[]): Promise<void> {
  for (const order of orders) {
    const venue = ctx.liveVenues?.venueOf(order.accountId);
    if (!venue || order.venueOrderId === null) continue;
    const cancelled = await cancelLiveOrder(ctx, venue, order);
    if (!cancelled.ok) ctx.logger.warn({ orderId: order.id, reason: cancelled.reason }, "halt: the exchange did not cancel the order now; reconciliation will");
  }
}

/** The positions and orders a state reaches: the global one reaches all of them. */
function scopeFilter(target: TradingStateScope): ScopeFilter {
  if (target.scope === "account") return { accountId: target.accountId };
  if (target.scope === "strategy") return { strategyId: target.strategyId };
  return {};
}

/** A close runs in its own savepoint: an error undoes that close only, and the halt still happens. */
async function flattenPosition(ctx: TradingContext, tx: Db, position: StoredPosition): Promise<FlattenOutcome> {
  const positionId = position.id;
  try {
    return await tx.transaction(async (sp) => outcomeOf(positionId, await placeOrder({ ctx: { ...ctx, db: sp }, input: await closeOrderInput(sp, position) })));
  } catch (err) {
    ctx.logger.error({ err, positionId }, "flatten: closing the position failed");
    return { positionId, orderId: null, reason: "FLATTEN_FAILED" };
  }
}
