export { createCcxtVenue, type CcxtVenue, type CcxtVenueOptions, type VenueLogger } from "./ccxt-venue.js";
export { marketRulesFromCcxt, marketRulesMap, numberText, precisionStep } from "./ccxt-markets.js";
export { CircuitBreaker, DEFAULT_BREAKER, type BreakerConfig, type BreakerState } from "./circuit-breaker.js";
export { backoffDelay, DEFAULT_RETRY, withRetry, type AttemptOutcome, type RetryConfig, type Sleep, type Random } from "./retry.js";
export { classifyVenueError, retryAfterMs, VENUE_REJECT_REASONS, type VenueFailure, type VenueRejectReason } from "./venue-errors.js";
export { redactVenueText } from "./redact.js";
export type * from "./types.js";
export { nativeProtectionSupport, stopLimitPrice, type ProtectionRole, type ProtectionSupport } from "./stop-limit.js";
