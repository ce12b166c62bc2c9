export { evaluateOrder } from "./risk-engine.js";
export { DEFAULT_RISK_LIMITS, limitText, RiskLimitsSchema, type RiskLimits, type RiskLimitsInput } from "./limits.js";
export { isReasonCode, REASON_CODES, ReasonCodeSchema, type ReasonCode } from "./reason-codes.js";
export { marketLimitName, sizeOrder, SizingPolicySchema, type SizingDenialReason, type SizingInput, type SizingPolicy, type SizingResult } from "./sizing.js";
export {
  bindingScope,
  effectiveState,
  isAllowed,
  isTradingState,
  mostRestrictive,
  stateRank,
  TRADING_STATE_SCOPES,
  TRADING_STATES,
  TradingStateSchema,
  type TradingState,
  type TradingStates,
  type TradingStateScope,
} from "./trading-state.js";
export {
  RISK_OUTCOMES,
  RISK_RULES,
  type ApprovedOrder,
  type OrderRequest,
  type PositionSnapshot,
  type RiskCheck,
  type RiskContext,
  type RiskDecision,
  type RiskOutcome,
  type RiskRule,
  type StateChange,
} from "./types.js";
