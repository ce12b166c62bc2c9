import { describe, expect, it } from "vitest";
import { backoffDelayMs, isRetryableStatus, MAX_RETRY_AFTER_MS, nextStep, parseRetryAfter, type RetryPolicy } from "../../src/notifications/retry-policy.js";

const policy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3_600_000 };
const now = new Date("2026-03-01T12:00:00.000Z");

describe("backoffDelayMs", () => {
  it("doubles from the base with each failed attempt, half of each step fixed and half random", () => {
    const low = [1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, () => 0));
    const high = [1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, () => 1));
    expect(low).toEqual([15_000, 30_000, 60_000, 120_000]);
    expect(high).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(90_000);
  });

  it("stops doubling at the cap, however many attempts were made", () => {
    expect(backoffDelayMs(8, policy, () => 1)).toBe(3_600_000);
    expect(backoffDelayMs(1000, policy, () => 1)).toBe(3_600_000);
    expect(backoffDelayMs(1000, policy, () => 0)).toBe(1_800_000);
  });

  it("keeps a random source out of range inside the step", () => {
    expect(backoffDelayMs(1, policy, () => 7)).toBe(30_000);
    expect(backoffDelayMs(1, policy, () => -3)).toBe(15_000);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds, decimals included (Discord), as milliseconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0.25 ", now)).toBe(250);
    expect(parseRetryAfter("0", now)).toBe(0);
  });

  it("reads an HTTP date relative to now, and a date in the past as no wait", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:01:30 GMT", now)).toBe(90_000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read, and caps what would park a delivery for good", () => {
    for (const value of [undefined, null, "", "soon", "-5", "1e3"]) expect(parseRetryAfter(value, now), String(value)).toBeUndefined();
    expect(parseRetryAfter(String(10 * 365 * 86_400), now)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe("nextStep", () => {
  const random = () => 0;

  it("a success is delivered, whatever attempt it was", () => {
    expect(nextStep({ kind: "delivered", statusCode: 200 }, 8, policy, now, random)).toEqual({ status: "delivered" });
  });

  it("a retryable failure comes back after the backoff, or exactly at the receiver's Retry-After", () => {
    const failure = { kind: "retryable" as const, statusCode: 500, error: "HTTP 500" };
    expect(nextStep(failure, 2, policy, now, random)).toEqual({ status: "pending", nextAttemptAt: new Date(now.getTime() + 30_000) });
    expect(nextStep({ ...failure, statusCode: 429, retryAfterMs: 120_000 }, 2, policy, now, random)).toEqual({
      status: "pending",
      nextAttemptAt: new Date(now.getTime() + 120_000),
    });
  });

  it("fails for good after the last attempt, or at once when the receiver refuses it", () => {
    const failure = { kind: "retryable" as const, statusCode: null, error: "connection refused" };
    expect(nextStep(failure, 7, policy, now, random).status).toBe("pending");
    expect(nextStep(failure, 8, policy, now, random)).toEqual({ status: "failed" });
    expect(nextStep({ kind: "permanent", statusCode: 404, error: "HTTP 404" }, 1, policy, now, random)).toEqual({ status: "failed" });
  });

  it("retries timeouts, throttling and server errors, not other refusals", () => {
    expect([408, 425, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});
