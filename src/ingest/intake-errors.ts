import { ApiError } from "../http/errors.js";
import type { AbuseGuard, Admission } from "./abuse-guard.js";

/**
 * Every authentication failure answers the same words, so a prober learns nothing about which part
 * (token, passphrase, source address, signature) was wrong. The log says which.
 */
export const authenticationFailed = () => new ApiError("UNAUTHORIZED", "authentication failed");

export function rateLimited(admission: Extract<Admission, { ok: false }>): ApiError {
  return new ApiError("RATE_LIMITED", `too many requests; retry in ${admission.retryAfterSeconds} s`, {
    headers: { "retry-after": String(admission.retryAfterSeconds) },
  });
}

export async function admitOrThrow(guard: AbuseGuard, input: { address: string; tokenKey?: string }): Promise<void> {
  const admission = await guard.admit(input);
  if (!admission.ok) throw rateLimited(admission);
}

/** The ledger could not commit: answer 503 so TradingView and well-behaved senders retry. */
export function ledgerUnavailable(): ApiError {
  return new ApiError("SERVICE_UNAVAILABLE", "the signal could not be committed; retry later", {
    headers: { "retry-after": "5" },
  });
}
