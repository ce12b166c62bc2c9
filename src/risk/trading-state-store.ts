import type { Db } from "../db/client.js";
import { accountExists } from "../db/repositories/accounts-repository.js";
import { findStrategyById } from "../db/repositories/strategies-repository.js";
import { findTradingState } from "../db/repositories/trading-states-repository.js";
import type { TradingState } from "../domain/trading-state.js";
import { ApiError } from "../http/errors.js";
import type { Clock } from "../lib/clock.js";

export type TradingStateContext = { db: Db; clock: Clock };

export type TradingStateScope = { scope: "global" } | { scope: "account"; accountId: string } | { scope: "strategy"; strategyId: string };

export type TradingStateView = {
  scope: TradingStateScope["scope"];
  accountId: string | null;
  strategyId: string | null;
  state: TradingState;
  reason: string;
  changedBy: string | null;
  changedAt: string | null;
};

/** The (scope, scope_id) a state is stored under; the global state's id is the empty string. */
export function scopeKey(s: TradingStateScope): { scope: TradingStateScope["scope"]; id: string } {
  if (s.scope === "account") return { scope: "account", id: s.accountId };
  if (s.scope === "strategy") return { scope: "strategy", id: s.strategyId };
  return { scope: "global", id: "" };
}

/** A scope without a stored state is ACTIVE: the default a fresh install starts in. */
export async function getTradingState({ ctx, input }: { ctx: TradingStateContext; input: TradingStateScope }): Promise<TradingStateView> {
  await requireScopeExists(ctx, input);
  const key = scopeKey(input);
  const row = await findTradingState(ctx.db, key.scope, key.id);
  return {
    scope: input.scope,
    accountId: input.scope === "account" ? input.accountId : null,
    strategyId: input.scope === "strategy" ? input.strategyId : null,
    state: (row?.state as TradingState | undefined) ?? "ACTIVE",
    reason: row?.reason ?? "default",
    changedBy: row?.changedBy ?? null,
    changedAt: row?.changedAt.toISOString() ?? null,
  };
}

export async function requireScopeExists(ctx: TradingStateContext, target: TradingStateScope): Promise<void> {
  if (target.scope === "strategy" && !(await findStrategyById(ctx.db, target.strategyId))) {
    throw new ApiError("NOT_FOUND", `no strategy with id ${target.strategyId}`);
  }
  if (target.scope === "account" && !(await accountExists(ctx.db, target.accountId))) {
    throw new ApiError("NOT_FOUND", `no account with id ${target.accountId}`);
  }
}
