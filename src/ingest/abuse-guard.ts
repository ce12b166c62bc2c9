import type { Redis } from "ioredis";
import { createLimiter, isLimitReached, keyPart, type Limiter, retryAfterSeconds } from "./abuse-limiters.js";

export type AbuseLimits = {
  perAddressPerMinute: number; // 0 disables this limit
  perTokenPerMinute: number; // 0 disables
  authFailuresBeforeLockout: number; // failures counted per address within lockoutWindowSeconds; 0 disables lockout
  lockoutWindowSeconds: number;
  lockoutSeconds: number;
};

export type Admission =
  | { ok: true }
  | { ok: false; retryAfterSeconds: number; scope: "address" | "token" | "lockout" };

export type AbuseGuardOperation = "lockout-check" | "address-limit" | "token-limit" | "record-auth-failure";

export interface AbuseGuard {
  /** Checks lockout first (without consuming), then consumes one point from the address budget and, when tokenKey is given, one from the token budget. */
  admit(input: { address: string; tokenKey?: string }): Promise<Admission>;
  /** Counts an authentication failure (unknown token, wrong passphrase, bad signature) against the address; when the count reaches the threshold the address is locked out for lockoutSeconds. */
  recordAuthFailure(address: string): Promise<void>;
  /** True while the store is failing (the last store call errored); the guard is admitting everything. */
  readonly degraded: boolean;
  /** The Redis client belongs to the caller, who quits it; in-memory counters need no teardown. */
  close(): Promise<void>;
}

export type AbuseGuardOptions = {
  limits: AbuseLimits;
  /** Shared counters for every instance; in-process counters when absent. */
  redis?: Redis;
  keyPrefix?: string;
  /** Called on each store error so the caller can log it; this module logs nothing itself. */
  onError?: (error: unknown, operation: AbuseGuardOperation) => void;
};

export const DEFAULT_ABUSE_KEY_PREFIX = "sg:abuse";

/**
 * Rate limits per address and per token, and a lockout after repeated authentication failures.
 *
 * When the store fails (Redis down), the guard fails OPEN: it admits the request and reports the
 * error through `onError` and `degraded`. A rate limiter outage must not drop trading signals;
 * authentication itself still runs, so failing open loses only the brute-force throttle, and
 * only for as long as the outage lasts.
 */
export function createAbuseGuard(options: AbuseGuardOptions): AbuseGuard {
  const { limits, redis } = options;
  validateLimits(limits);
  const prefix = options.keyPrefix ?? DEFAULT_ABUSE_KEY_PREFIX;
  const make = (purpose: string, points: number, durationSeconds: number) =>
    createLimiter({ redis, keyPrefix: `${prefix}:${purpose}`, points, durationSeconds });

  const perAddress = limits.perAddressPerMinute > 0 ? make("rate:address", limits.perAddressPerMinute, 60) : undefined;
  const perToken = limits.perTokenPerMinute > 0 ? make("rate:token", limits.perTokenPerMinute, 60) : undefined;
  const threshold = limits.authFailuresBeforeLockout;
  const failures = threshold > 0 ? make("auth-failures", threshold, limits.lockoutWindowSeconds) : undefined;
  const lockouts = threshold > 0 ? make("lockout", 1, limits.lockoutSeconds) : undefined;

  let degraded = false;
  const storeFailed = (error: unknown, operation: AbuseGuardOperation) => {
    degraded = true;
    try {
      options.onError?.(error, operation);
    } catch {
      // A faulty error callback must not turn a degraded guard into a failing request.
    }
  };

  /** Milliseconds left on a lockout, or undefined when not locked (or the store failed). */
  async function lockedFor(address: string): Promise<number | undefined> {
    if (!lockouts) return undefined;
    try {
      const res = await lockouts.get(address);
      degraded = false;
      // The memory store can return a just-expired record before its timer removes it.
      return res !== null && res.msBeforeNext > 0 ? res.msBeforeNext : undefined;
    } catch (error) {
      storeFailed(error, "lockout-check");
      return undefined;
    }
  }

  /** Milliseconds until the budget refills when it is spent, otherwise undefined. */
  async function consume(limiter: Limiter | undefined, key: string, operation: AbuseGuardOperation) {
    if (!limiter) return undefined;
    try {
      await limiter.consume(key);
      degraded = false;
      return undefined;
    } catch (reason) {
      if (isLimitReached(reason)) {
        degraded = false;
        return reason.msBeforeNext;
      }
      storeFailed(reason, operation);
      return undefined;
    }
  }

  return {
    get degraded() {
      return degraded;
    },

    async admit({ address, tokenKey }) {
      const addressKey = keyPart(address);
      const lockedMs = await lockedFor(addressKey);
      if (lockedMs !== undefined) return deny("lockout", lockedMs);
      const addressMs = await consume(perAddress, addressKey, "address-limit");
      if (addressMs !== undefined) return deny("address", addressMs);
      if (tokenKey !== undefined) {
        const tokenMs = await consume(perToken, keyPart(tokenKey), "token-limit");
        if (tokenMs !== undefined) return deny("token", tokenMs);
      }
      return { ok: true };
    },

    async recordAuthFailure(address) {
      if (!failures || !lockouts) return;
      const key = keyPart(address);
      try {
        const res = await failures.penalty(key, 1);
        if (res.consumedPoints >= threshold) {
          await lockouts.block(key, limits.lockoutSeconds);
          // Start the count afresh so the next lockout again takes the full number of failures.
          await failures.delete(key);
        }
        degraded = false;
      } catch (error) {
        storeFailed(error, "record-auth-failure");
      }
    },

    async close() {},
  };
}

function deny(scope: "address" | "token" | "lockout", msBeforeNext: number): Admission {
  return { ok: false, retryAfterSeconds: retryAfterSeconds(msBeforeNext), scope };
}

/** Configuration mistakes surface at boot, not as a silently disabled limit. */
function validateLimits(limits: AbuseLimits): void {
  const counts = ["perAddressPerMinute", "perTokenPerMinute", "authFailuresBeforeLockout"] as const;
  for (const name of counts) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`abuse limit ${name} must be an integer >= 0`);
  }
  if (limits.authFailuresBeforeLockout === 0) return;
  for (const name of ["lockoutWindowSeconds", "lockoutSeconds"] as const) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`abuse limit ${name} must be an integer >= 1 when lockout is enabled`);
    }
  }
}
