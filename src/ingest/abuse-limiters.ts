import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { sha256Hex } from "../lib/secrets.js";

export type Limiter = Pick<RateLimiterAbstract, "consume" | "penalty" | "get" | "block" | "delete">;

/**
 * One counter family: `points` per `durationSeconds`, in Redis when a client is given (shared by
 * every instance), otherwise in this process. rate-limiter-flexible keeps its own wall-clock
 * time; these limits guard the HTTP edge, which backtests never pass through, so the injected
 * clock does not apply here.
 */
export function createLimiter(options: {
  redis: Redis | undefined;
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}): Limiter {
  const common = { keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds };
  if (!options.redis) return new RateLimiterMemory(common);
  return new RateLimiterRedis({
    ...common,
    storeClient: options.redis,
    // ioredis would otherwise queue commands while reconnecting and stall each request for
    // seconds; refusing at once lets the guard fail open immediately. `useRedisPackage` stays
    // unset: that flag is for node-redis, and this client is ioredis.
    rejectIfRedisNotReady: true,
  });
}

/** A rejection carrying a RateLimiterRes means "over the limit"; anything else is a store error. */
export function isLimitReached(reason: unknown): reason is RateLimiterRes {
  return reason instanceof RateLimiterRes;
}

export function retryAfterSeconds(msBeforeNext: number): number {
  return Number.isFinite(msBeforeNext) ? Math.max(1, Math.ceil(msBeforeNext / 1000)) : 1;
}

/** Keeps store keys small whatever the caller passes, so hostile input cannot bloat Redis keys. */
export function keyPart(value: string): string {
  return value.length <= 128 ? value : `sha256:${sha256Hex(value)}`;
}
