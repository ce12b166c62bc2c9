/**
 * ACTIVE: trade normally. REDUCING: only orders that shrink a position. HALTED: nothing but cancels.
 * A scope's state is the most restrictive of its own and every enclosing scope's.
 */
export const TRADING_STATES = ["ACTIVE", "REDUCING", "HALTED"] as const;
export type TradingState = (typeof TRADING_STATES)[number];

export function mostRestrictive(...states: TradingState[]): TradingState {
  return states.reduce<TradingState>((a, b) => (TRADING_STATES.indexOf(b) > TRADING_STATES.indexOf(a) ? b : a), "ACTIVE");
}
