/**
 * ACTIVE: trade normally. REDUCING: only orders that shrink a position. HALTED: nothing but cancels.
 * A scope's state is the most restrictive of its own and every enclosing scope's.
 */
export const TRADING_STATES = ["ACTIVE", "REDUCING", "HALTED"] as const;
export type TradingState = (typeof TRADING_STATES)[number];

export function mostRestrictive(...states: TradingState[]): TradingState {
  return states.reduce<TradingState>((a, b) => (TRADING_STATES.indexOf(b) > TRADING_STATES.indexOf(a) ? b : a), "ACTIVE");
}

/** The state an order of `accountId` and `strategyId` trades under, from the scopes' states by `scope:scopeId`. */
export function stateForOrder(states: ReadonlyMap<string, TradingState>, of: { readonly accountId: string; readonly strategyId: string }): TradingState {
  return mostRestrictive(states.get("global:") ?? "ACTIVE", states.get(`account:${of.accountId}`) ?? "ACTIVE", states.get(`strategy:${of.strategyId}`) ?? "ACTIVE");
}

/** Why an order that adds to a position may not fill under `state`: its reason code, or undefined when ACTIVE. */
export function entryRefusal(state: TradingState): "TRADING_REDUCING" | "TRADING_HALTED" | undefined {
  return state === "ACTIVE" ? undefined : state === "REDUCING" ? "TRADING_REDUCING" : "TRADING_HALTED";
}
