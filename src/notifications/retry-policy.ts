/**
 * When a delivery is tried again, and when it stops: pure functions of the attempt count, the send's
 * outcome, the clock and a random source, so the schedule is tested without waiting.
 */

export type RetryPolicy = {
  /** Attempts in all, the first included; after the last, a retryable failure is final. */
  readonly maxAttempts: number;
  /** The wait after the first failed attempt; each later one doubles, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
};

/** A receiver's Retry-After is followed up to this; beyond, it would park the delivery for good. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * The wait after the `attempts`-th failed attempt: base × 2^(attempts−1), capped, with "equal
 * jitter": half of it fixed, half random, so the retries of many events failing together spread
 * out but none comes back sooner than half its step.
 */
export function backoffDelayMs(attempts: number, policy: RetryPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * r);
}

/**
 * A Retry-After header in milliseconds: delay-seconds (Discord sends decimals) or an HTTP date.
 * undefined when absent or unreadable; never negative; capped at MAX_RETRY_AFTER_MS.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else {
    // An HTTP date names its day and month; Date.parse would read a bare "-5" as a year.
    const at = /[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(at)) return undefined;
    ms = at - now.getTime();
  }
  return Math.min(Math.max(0, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
}

/** What one send came to. `retryAfterMs`: the receiver said when (429, 503). */
export type SendOutcome =
  | { readonly kind: "delivered"; readonly statusCode: number }
  | { readonly kind: "retryable"; readonly statusCode: number | null; readonly error: string; readonly retryAfterMs?: number | undefined }
  | { readonly kind: "permanent"; readonly statusCode: number | null; readonly error: string };

export type NextStep =
  | { readonly status: "delivered" }
  | { readonly status: "pending"; readonly nextAttemptAt: Date }
  | { readonly status: "failed" };

/**
 * After attempt number `attempts`: delivered; pending again at the receiver's Retry-After or after the
 * backoff; or failed, when the receiver refused it for good (a 4xx other than 408 and 429) or the
 * attempts are used up.
 */
export function nextStep(outcome: SendOutcome, attempts: number, policy: RetryPolicy, now: Date, random: () => number): NextStep {
  if (outcome.kind === "delivered") return { status: "delivered" };
  if (outcome.kind === "permanent" || attempts >= policy.maxAttempts) return { status: "failed" };
  const wait = outcome.retryAfterMs ?? backoffDelayMs(attempts, policy, random);
  return { status: "pending", nextAttemptAt: new Date(now.getTime() + wait) };
}

/** 408, 425, 429 and 5xx may pass; any other status outside 2xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
