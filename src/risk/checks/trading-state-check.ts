import { limitText } from "../limits.js";
import { bindingScope, effectiveState, isAllowed, isTradingState, TRADING_STATE_SCOPES, type TradingStates } from "../trading-state.js";
import { deny, pass, type CheckResult } from "./check.js";

/** The kill switch: the most restrictive of the global, account and strategy states binds the order. */
export function checkTradingState(states: TradingStates, reduces: boolean): CheckResult {
  for (const scope of TRADING_STATE_SCOPES) {
    const state: unknown = states[scope];
    // A state we cannot read might be HALTED: invariant 4 says deny.
    if (!isTradingState(state)) return deny("TRADING_STATE_UNKNOWN", null, `the ${scope} trading state ${String(state)} is not one of ACTIVE, REDUCING, HALTED`);
  }
  const state = effectiveState(states);
  const scope = bindingScope(states);
  if (isAllowed(state, reduces)) return pass(`effective state ${state}${reduces ? "; the order reduces the position" : ""}`);
  const limit = limitText(`tradingState.${scope}`, state);
  if (state === "HALTED") return deny("TRADING_HALTED", limit, `trading is HALTED at the ${scope} scope: only cancels go through`);
  return deny("TRADING_REDUCING", limit, `trading is REDUCING at the ${scope} scope and the order does not reduce the position`);
}
