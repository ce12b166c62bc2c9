import { describe, expect, it } from "vitest";
import { backoffDelay, CircuitBreaker, withRetry, type AttemptOutcome } from "../../src/execution/live/index.js";

const config = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe("backoffDelay (full jitter)", () => {
  it("draws uniformly below base·2^(n-1), capped at the maximum", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(config, n, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(config, 3, () => 0)).toBe(0);
    expect(backoffDelay(config, 3, () => 0.5)).toBe(200);
  });

  it("never waits less than a Retry-After, even above the cap", () => {
    expect(backoffDelay(config, 1, () => 0.5, 3_000)).toBe(3_000);
    expect(backoffDelay(config, 5, () => 0.9, 10)).toBe(900);
  });
});

describe("withRetry", () => {
  const run = async (outcomes: AttemptOutcome<string, string>[], overrides: { maxAttempts?: number; beforeRetry?: () => boolean } = {}) => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      { config: { ...config, maxAttempts: overrides.maxAttempts ?? 5 }, sleep: async (ms) => void waits.push(ms), random: () => 0.5, beforeRetry: overrides.beforeRetry },
      async () => outcomes[calls++]!,
    );
    return { result, waits, calls };
  };
  const fail = (retryAfterMs?: number): AttemptOutcome<string, string> => ({ done: false, failure: "f", retryable: true, retryAfterMs });

  it("retries retryable failures with growing waits, then returns the value", async () => {
    const { result, waits } = await run([fail(), fail(), fail(2_500), { done: true, value: "ok" }]);
    expect(result).toEqual({ ok: true, value: "ok", attempts: 4 });
    expect(waits).toEqual([50, 100, 2_500]);
  });

  it("stops at max attempts with the last failure", async () => {
    const { result, calls } = await run([fail(), fail(), fail()], { maxAttempts: 3 });
    expect(result).toEqual({ ok: false, failure: "f", attempts: 3 });
    expect(calls).toBe(3);
  });

  it("does not retry a non-retryable failure, nor when beforeRetry vetoes", async () => {
    expect((await run([{ done: false, failure: "no", retryable: false }])).calls).toBe(1);
    expect((await run([fail(), fail()], { beforeRetry: () => false })).calls).toBe(1);
  });
});

describe("CircuitBreaker", () => {
  const setup = () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 1_000 }, { now: () => new Date(now) });
    return { breaker, advance: (ms: number) => (now += ms) };
  };

  it("opens after N consecutive transient failures; a success in between resets the count", () => {
    const { breaker } = setup();
    breaker.onTransientFailure();
    breaker.onTransientFailure();
    breaker.onSuccess();
    breaker.onTransientFailure();
    breaker.onTransientFailure();
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onTransientFailure();
    expect(breaker.state()).toMatchObject({ state: "open", cause: "failures" });
    expect(breaker.tryAcquire()).toBe(false);
  });

  it("opens at once on an auth failure", () => {
    const { breaker } = setup();
    breaker.onAuthFailure();
    expect(breaker.isOpen()).toBe(true);
    expect(breaker.state()).toMatchObject({ state: "open", cause: "auth" });
  });

  it("half-opens after the cool-down, lets exactly one trial through, closes on its success", () => {
    const { breaker, advance } = setup();
    breaker.onAuthFailure();
    advance(999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.state()).toEqual({ state: "half-open", trialInFlight: false });
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.onSuccess();
    expect(breaker.state()).toEqual({ state: "closed", failures: 0 });
  });

  it("reopens when the half-open trial fails, with a fresh cool-down", () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.onTransientFailure();
    advance(1_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onTransientFailure();
    expect(breaker.state()).toMatchObject({ state: "open" });
    advance(999);
    expect(breaker.isOpen()).toBe(true);
    advance(1);
    expect(breaker.isOpen()).toBe(false);
  });
});
