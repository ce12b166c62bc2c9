import { z } from "zod";
import { mostRestrictive, TRADING_STATES, type TradingState } from "../domain/trading-state.js";

export { mostRestrictive, TRADING_STATES, type TradingState };

export const TradingStateSchema = z.enum(TRADING_STATES);

/** Where a state is held; an order is bound by all three at once. */
export const TRADING_STATE_SCOPES = ["global", "account", "strategy"] as const;
export type TradingStateScope = (typeof TRADING_STATE_SCOPES)[number];

export type TradingStates = {
  readonly global: TradingState;
  readonly account: TradingState;
  readonly strategy: TradingState;
};

export function isTradingState(value: unknown): value is TradingState {
  return typeof value === "string" && (TRADING_STATES as readonly string[]).includes(value);
}

/** How restrictive a state is: a higher rank allows less. */
export function stateRank(state: TradingState): number {
  return TRADING_STATES.indexOf(state);
}

/** The state that binds an order: the most restrictive of the global, account and strategy states. */
export function effectiveState(states: TradingStates): TradingState {
  return mostRestrictive(states.global, states.account, states.strategy);
}

/** The outermost scope whose state is the effective one: the scope an operator has to lift. */
export function bindingScope(states: TradingStates): TradingStateScope {
  const state = effectiveState(states);
  return TRADING_STATE_SCOPES.find((scope) => states[scope] === state) ?? "global";
}

/**
 * Whether an order may pass a state. Cancels are not orders and never come here: HALTED still
 * lets them through, which is how an operator takes risk off while everything else is stopped.
 */
export function isAllowed(state: TradingState, reducesPosition: boolean): boolean {
  if (state === "ACTIVE") return true;
  if (state === "REDUCING") return reducesPosition;
  return false;
}
