export type RetryConfig = {
  /** Total attempts including the first; 1 means no retry. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY: RetryConfig = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 10_000 };

export type Sleep = (ms: number) => Promise<void>;
/** A number in [0, 1), like Math.random. */
export type Random = () => number;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The wait before retry number `retry` (1 for the first retry): "full jitter", a uniform draw from
 * [0, min(max, base·2^(retry-1))), so a herd of clients spreads out. A venue's Retry-After is a floor
 * the jitter never undercuts; it may exceed maxDelayMs, since waiting less would only be refused.
 */
export function backoffDelay(config: RetryConfig, retry: number, random: Random, retryAfterMs?: number): number {
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}

export type AttemptOutcome<T, F> =
  | { done: true; value: T }
  | { done: false; failure: F; retryable: boolean; retryAfterMs?: number | undefined };

/**
 * Runs `attempt` until it is done, a failure is not retryable, or attempts run out; returns the
 * value or the last failure with the number of attempts made. `beforeRetry` may veto a retry
 * (the circuit breaker opened meanwhile).
 */
export async function withRetry<T, F>(
  deps: { config: RetryConfig; sleep: Sleep; random: Random; beforeRetry?: () => boolean },
  attempt: (n: number) => Promise<AttemptOutcome<T, F>>,
): Promise<{ ok: true; value: T; attempts: number } | { ok: false; failure: F; attempts: number }> {
  const max = Math.max(1, deps.config.maxAttempts);
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if (outcome.done) return { ok: true, value: outcome.value, attempts: n };
    if (!outcome.retryable || n >= max || (deps.beforeRetry && !deps.beforeRetry())) {
      return { ok: false, failure: outcome.failure, attempts: n };
    }
    await deps.sleep(backoffDelay(deps.config, n, deps.random, outcome.retryAfterMs));
  }
}
