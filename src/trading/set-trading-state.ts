import type { Db } from "../db/client.js";
import { lockKillSwitchExclusive } from "../db/repositories/kill-switch-lock.js";
import { liveAccountIds } from "../db/repositories/accounts-repository.js";
import { lockSymbols } from "../db/repositories/symbol-lock.js";
import { openPositionsInScope, workingOrders, type ScopeFilter, type StoredPosition } from "../db/repositories/trading-repository.js";
import { upsertTradingState } from "../db/repositories/trading-states-repository.js";
import type { TradingState } from "../domain/trading-state.js";
import { cancelPaperOrders } from "../execution/paper/paper-venue.js";
import { placeOrder } from "../execution/place-order.js";
import { ApiError } from "../http/errors.js";
import { getTradingState, requireScopeExists, scopeKey, type TradingStateScope, type TradingStateView } from "../risk/trading-state-store.js";
import { closeOrderInput } from "./close-position.js";
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
  const flattened = await ctx.db.transaction(async (tx) => {
    await lockKillSwitchExclusive(tx);
    const open = input.flatten ? await openPositionsInScope(tx, filter) : [];
    const working = input.state === "HALTED" ? await workingOrders(tx, filter) : [];
    // Every symbol lock up front, in order: a price event holding one of them cannot deadlock with us.
    await lockSymbols(tx, [...open.map((p) => p.symbol), ...working.map((o) => o.symbol)]);
    // An exchange account's orders and positions live at the exchange: marking them cancelled or
    // closed here would only make our books lie. Until cancels and closes go through the venue, the
    // halt stops their new orders (the risk engine reads the state) and leaves the rest as it is.
    const live = await liveAccountIds(tx);
    const outcomes: FlattenOutcome[] = [];
    for (const position of open) {
      outcomes.push(live.has(position.accountId) ? { positionId: position.id, orderId: null, reason: "LIVE_FLATTEN_NOT_SUPPORTED" } : await flattenPosition(ctx, tx, position));
    }
    const now = ctx.clock.now();
    await upsertTradingState(tx, { scope: key.scope, scopeId: key.id, state: input.state, reason: input.reason, changedBy: input.actor, changedAt: now });
    // HALTED allows nothing but cancels: the paper orders still working in the scope are cancelled with it.
    if (input.state === "HALTED") {
      const paperOrders = (await workingOrders(tx, filter)).filter((o) => !live.has(o.accountId));
      await cancelPaperOrders(tx, paperOrders, now, "TRADING_HALTED");
    }
    return outcomes;
  });
  return { ...(await getTradingState({ ctx, input: input.target })), flattened };
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
    return await tx.transaction(async (sp) => {
      const { decision, order } = await placeOrder({ ctx: { ...ctx, db: sp }, input: await closeOrderInput(sp, position) });
      if (!order) return { positionId, orderId: null, reason: decision?.reason ?? "DENIED" };
      if (order.status === "filled") return { positionId, orderId: order.id, reason: null };
      return { positionId, orderId: order.id, reason: order.rejectReason ?? `ORDER_${order.status.toUpperCase()}` };
    });
  } catch (err) {
    ctx.logger.error({ err, positionId }, "flatten: closing the position failed");
    return { positionId, orderId: null, reason: "FLATTEN_FAILED" };
  }
}
