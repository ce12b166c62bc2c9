import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The closed list of error codes a client can branch on. Adding one is an API change. */
export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  "INTERNAL",
  // Signal ingestion: the delivery was authentic and is stored as rejected, with a `reason`.
  "MALFORMED_SIGNAL",
  "UNRENDERED_PLACEHOLDER",
  "SIGNAL_REJECTED",
  // Strategy configuration: well-formed, but names an account that does not exist.
  "ACCOUNT_UNKNOWN",
  // Strategy configuration: a paper strategy on a live account, or a live strategy on a paper one.
  "ACCOUNT_MODE_MISMATCH",
  // Backtests: a symbol the paper venue has no market rules for, or no stored candles in the range.
  "UNKNOWN_MARKET",
  "CANDLES_MISSING",
  // Strategy lifecycle: a move between stages the lifecycle does not allow (retired is final), and a
  // promotion below its thresholds (the body lists each failed check with its value and limit).
  "STAGE_TRANSITION_NOT_ALLOWED",
  "PROMOTION_REFUSED",
  // Parameter searches: a grid over maxCandidates, a space of which no combination is valid, and a
  // split that leaves one side without candles.
  "TOO_MANY_CANDIDATES",
  "NO_VALID_CANDIDATES",
  "SPLIT_EMPTY",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
  MALFORMED_SIGNAL: 400,
  UNRENDERED_PLACEHOLDER: 422,
  SIGNAL_REJECTED: 422,
  ACCOUNT_UNKNOWN: 422,
  ACCOUNT_MODE_MISMATCH: 422,
  UNKNOWN_MARKET: 422,
  CANDLES_MISSING: 422,
  STAGE_TRANSITION_NOT_ALLOWED: 409,
  PROMOTION_REFUSED: 422,
  TOO_MANY_CANDIDATES: 422,
  NO_VALID_CANDIDATES: 422,
  SPLIT_EMPTY: 422,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

const TITLES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: "Validation failed",
  UNAUTHORIZED: "Unauthorized",
  FORBIDDEN: "Forbidden",
  NOT_FOUND: "Not found",
  CONFLICT: "Conflict",
  PAYLOAD_TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  RATE_LIMITED: "Too many requests",
  SERVICE_UNAVAILABLE: "Service unavailable",
  INTERNAL: "Internal server error",
  MALFORMED_SIGNAL: "Malformed signal",
  UNRENDERED_PLACEHOLDER: "Unrendered placeholder",
  SIGNAL_REJECTED: "Signal rejected",
  ACCOUNT_UNKNOWN: "Unknown account",
  ACCOUNT_MODE_MISMATCH: "Account does not match the strategy's mode",
  UNKNOWN_MARKET: "Unknown market",
  CANDLES_MISSING: "Candles missing",
  STAGE_TRANSITION_NOT_ALLOWED: "Stage change not allowed",
  PROMOTION_REFUSED: "Promotion refused",
  TOO_MANY_CANDIDATES: "Too many candidates",
  NO_VALID_CANDIDATES: "No valid candidates",
  SPLIT_EMPTY: "Split leaves a side empty",
};

export type FieldError = { path: string; message: string };

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
};

/** A transport-free error that services and middleware throw; onError turns it into problem+json. */
export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(ERROR_STATUS[code], { message: detail });
    this.name = "ApiError";
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export function problemBody(
  code: ErrorCode,
  detail: string,
  requestId: string,
  extra: { errors?: FieldError[]; extensions?: Record<string, unknown> } = {},
): Problem {
  return {
    ...extra.extensions,
    type: `urn:signal-gateway:problem:${code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLES[code],
    status: ERROR_STATUS[code],
    detail,
    code,
    requestId,
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
}

/** The general-purpose codes: each owns its status, so a bare status maps back to one of them. */
export const GENERIC_CODES = ERROR_CODES.slice(0, ERROR_CODES.indexOf("INTERNAL") + 1) as ErrorCode[];

/** Maps a bare HTTP status (from hono's own HTTPExceptions) to our closed list of codes. */
export function codeForStatus(status: number): ErrorCode {
  const match = GENERIC_CODES.find((code) => ERROR_STATUS[code] === status);
  if (match) return match;
  return status >= 500 ? "INTERNAL" : "VALIDATION_FAILED";
}
