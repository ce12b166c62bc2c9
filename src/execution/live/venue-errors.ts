import {
  AccountSuspended,
  AuthenticationError,
  BadRequest,
  BadSymbol,
  DDoSProtection,
  ExchangeError,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  NotSupported,
  OrderNotFound,
  PermissionDenied,
  RateLimitExceeded,
  RequestTimeout,
} from "ccxt";
import { redactVenueText } from "./redact.js";

export const VENUE_REJECT_REASONS = [
  "VENUE_INSUFFICIENT_FUNDS",
  "VENUE_INVALID_ORDER",
  "VENUE_DUPLICATE_ORDER",
  "VENUE_BAD_SYMBOL",
  "VENUE_ORDER_NOT_FOUND",
  "VENUE_BAD_REQUEST",
  "VENUE_NOT_SUPPORTED",
  "VENUE_ERROR",
] as const;
export type VenueRejectReason = (typeof VENUE_REJECT_REASONS)[number];

export type VenueAuthReason = "VENUE_AUTH_FAILED" | "VENUE_PERMISSION_DENIED" | "VENUE_ACCOUNT_SUSPENDED";
export type VenueTransientReason = "VENUE_RATE_LIMITED" | "VENUE_UNAVAILABLE" | "VENUE_TIMEOUT" | "VENUE_NETWORK" | "VENUE_CLOCK_SKEW";

/** Every venue failure, sorted by what the caller may do next; `detail` is redacted text. */
export type VenueFailure =
  | { kind: "transient"; reason: VenueTransientReason; detail: string; retryAfterMs?: number }
  /** The request may have reached the venue: look the order up before anything is resent. */
  | { kind: "ambiguous"; reason: VenueTransientReason | "VENUE_UNEXPECTED_ERROR"; detail: string; retryAfterMs?: number }
  | { kind: "rejected"; reason: VenueRejectReason; detail: string }
  | { kind: "auth"; reason: VenueAuthReason; detail: string }
  | { kind: "unknown"; reason: "VENUE_UNEXPECTED_ERROR"; detail: string };

export type ClassifyContext = {
  /**
   * "submit" for a request that creates an order. Binance documents a 5xx and a timeout on an
   * order request as "execution status UNKNOWN", and a dropped connection can follow delivery, so
   * on submit every network failure except a rate limit (refused before processing) is ambiguous.
   */
  phase: "submit" | "read";
  /** Response headers of the failed request (ccxt keeps them in `exchange.last_response_headers`). */
  headers?: Record<string, string> | undefined;
  /** The account's credentials, masked wherever they occur in the detail. */
  secrets?: readonly (string | undefined)[];
  /** For Retry-After given as an HTTP date. */
  nowMs?: number;
};

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string> | undefined, nowMs = 0): number | undefined {
  if (!headers) return undefined;
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === "retry-after");
  const value = entry?.[1]?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function transientReason(error: NetworkError): VenueTransientReason {
  if (error instanceof DDoSProtection || error instanceof RateLimitExceeded) return "VENUE_RATE_LIMITED";
  if (error instanceof RequestTimeout) return "VENUE_TIMEOUT";
  if (error instanceof ExchangeNotAvailable) return "VENUE_UNAVAILABLE";
  if (error instanceof InvalidNonce) return "VENUE_CLOCK_SKEW";
  return "VENUE_NETWORK";
}

function rejectReason(error: ExchangeError, message: string): VenueRejectReason {
  if (error instanceof InsufficientFunds) return "VENUE_INSUFFICIENT_FUNDS";
  if (error instanceof OrderNotFound) return "VENUE_ORDER_NOT_FOUND";
  // ccxt raises Binance's -2010 "Duplicate order sent." as a plain InvalidOrder.
  if (error instanceof InvalidOrder) return /duplicate/i.test(message) || error.name === "DuplicateOrderId" ? "VENUE_DUPLICATE_ORDER" : "VENUE_INVALID_ORDER";
  if (error instanceof BadSymbol) return "VENUE_BAD_SYMBOL";
  if (error instanceof BadRequest) return "VENUE_BAD_REQUEST";
  if (error instanceof NotSupported) return "VENUE_NOT_SUPPORTED";
  return "VENUE_ERROR";
}

/** Sorts a thrown value from a ccxt call. The original error never leaves: only its redacted text. */
export function classifyVenueError(error: unknown, ctx: ClassifyContext): VenueFailure {
  const raw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const detail = redactVenueText(raw, ctx.secrets);
  if (error instanceof NetworkError) {
    const reason = transientReason(error);
    const wait = reason === "VENUE_RATE_LIMITED" ? retryAfterMs(ctx.headers, ctx.nowMs) : undefined;
    const base = wait === undefined ? { reason, detail } : { reason, detail, retryAfterMs: wait };
    // -1021 is refused before the matching engine, so it is never ambiguous.
    const refused = reason === "VENUE_RATE_LIMITED" || reason === "VENUE_CLOCK_SKEW";
    return { kind: ctx.phase === "submit" && !refused ? "ambiguous" : "transient", ...base };
  }
  if (error instanceof AccountSuspended) return { kind: "auth", reason: "VENUE_ACCOUNT_SUSPENDED", detail };
  if (error instanceof PermissionDenied) return { kind: "auth", reason: "VENUE_PERMISSION_DENIED", detail };
  if (error instanceof AuthenticationError) return { kind: "auth", reason: "VENUE_AUTH_FAILED", detail };
  if (error instanceof ExchangeError) return { kind: "rejected", reason: rejectReason(error, raw), detail };
  // A bad response body or a bug after the request went out: on submit the order may exist.
  return { kind: ctx.phase === "submit" ? "ambiguous" : "unknown", reason: "VENUE_UNEXPECTED_ERROR", detail };
}
