import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AbuseLimits, createAbuseGuard } from "../../src/ingest/abuse-guard.js";

const NONE: AbuseLimits = {
  perAddressPerMinute: 0,
  perTokenPerMinute: 0,
  authFailuresBeforeLockout: 0,
  lockoutWindowSeconds: 60,
  lockoutSeconds: 60,
};

function guard(limits: Partial<AbuseLimits>) {
  return createAbuseGuard({ limits: { ...NONE, ...limits } });
}

async function admitTimes(g: ReturnType<typeof guard>, n: number, input: { address: string; tokenKey?: string }) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await g.admit(input));
  return results;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("abuse guard (memory store): rate limits", () => {
  it("admits up to the per-address budget, then refuses with scope address and a retry-after", async () => {
    const g = guard({ perAddressPerMinute: 3 });
    const results = await admitTimes(g, 3, { address: "203.0.113.7" });
    expect(results.every((r) => r.ok)).toBe(true);
    const refused = await g.admit({ address: "203.0.113.7" });
    expect(refused).toMatchObject({ ok: false, scope: "address" });
    if (refused.ok) return;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await g.admit({ address: "203.0.113.8" })).ok).toBe(true);
  });

  it("refills the address budget after a minute", async () => {
    vi.useFakeTimers();
    const g = guard({ perAddressPerMinute: 1 });
    expect((await g.admit({ address: "a" })).ok).toBe(true);
    expect((await g.admit({ address: "a" })).ok).toBe(false);
    vi.advanceTimersByTime(60_001);
    expect((await g.admit({ address: "a" })).ok).toBe(true);
  });

  it("keeps an independent budget per token, whatever the address", async () => {
    const g = guard({ perTokenPerMinute: 2 });
    expect((await g.admit({ address: "a", tokenKey: "tok-hash-1" })).ok).toBe(true);
    expect((await g.admit({ address: "b", tokenKey: "tok-hash-1" })).ok).toBe(true);
    const refused = await g.admit({ address: "c", tokenKey: "tok-hash-1" });
    expect(refused).toMatchObject({ ok: false, scope: "token" });
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect((await g.admit({ address: "a", tokenKey: "tok-hash-2" })).ok).toBe(true);
    // Without a token key only the address budget applies.
    expect((await g.admit({ address: "a" })).ok).toBe(true);
  });

  it("does not spend the token budget when the address budget refuses", async () => {
    const g = guard({ perAddressPerMinute: 1, perTokenPerMinute: 1 });
    expect((await g.admit({ address: "a", tokenKey: "t" })).ok).toBe(true);
    expect(await g.admit({ address: "a", tokenKey: "u" })).toMatchObject({ ok: false, scope: "address" });
    expect((await g.admit({ address: "b", tokenKey: "u" })).ok).toBe(true);
  });

  it("treats 0 as disabled for every limit", async () => {
    const g = guard({});
    for (let i = 0; i < 20; i++) await g.recordAuthFailure("a");
    const results = await admitTimes(g, 500, { address: "a", tokenKey: "t" });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(g.degraded).toBe(false);
    await g.close();
  });

  it("keeps long keys bounded without mixing them up", async () => {
    const g = guard({ perAddressPerMinute: 1 });
    const long = "x".repeat(10_000);
    expect((await g.admit({ address: `${long}1` })).ok).toBe(true);
    expect((await g.admit({ address: `${long}2` })).ok).toBe(true);
    expect((await g.admit({ address: `${long}1` })).ok).toBe(false);
  });
});

describe("abuse guard (memory store): lockout", () => {
  const lockout = { authFailuresBeforeLockout: 3, lockoutWindowSeconds: 60, lockoutSeconds: 120 };

  it("locks an address out after N failures, even when its rate budget is untouched", async () => {
    const g = guard({ perAddressPerMinute: 100, ...lockout });
    await g.recordAuthFailure("a");
    await g.recordAuthFailure("a");
    expect((await g.admit({ address: "a" })).ok).toBe(true);
    await g.recordAuthFailure("a");
    const refused = await g.admit({ address: "a", tokenKey: "t" });
    expect(refused).toMatchObject({ ok: false, scope: "lockout" });
    if (refused.ok) return;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(119);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(120);
  });

  it("does not lock an address for failures from another one", async () => {
    const g = guard(lockout);
    for (let i = 0; i < 5; i++) await g.recordAuthFailure("attacker");
    expect((await g.admit({ address: "attacker" })).ok).toBe(false);
    expect((await g.admit({ address: "innocent" })).ok).toBe(true);
  });

  it("checks the lockout without consuming the rate budget, and lifts it after lockoutSeconds", async () => {
    vi.useFakeTimers();
    const g = guard({ perAddressPerMinute: 2, ...lockout, lockoutSeconds: 30 });
    for (let i = 0; i < 3; i++) await g.recordAuthFailure("a");
    const refused = await admitTimes(g, 5, { address: "a" });
    expect(refused.every((r) => !r.ok && r.scope === "lockout")).toBe(true);
    vi.advanceTimersByTime(30_001);
    // The whole per-address budget is still there: the refused requests consumed nothing.
    const after = await admitTimes(g, 3, { address: "a" });
    expect(after.map((r) => (r.ok ? "ok" : r.scope))).toEqual(["ok", "ok", "address"]);
  });

  it("counts failures only within the window", async () => {
    vi.useFakeTimers();
    const g = guard(lockout);
    await g.recordAuthFailure("a");
    await g.recordAuthFailure("a");
    vi.advanceTimersByTime(60_001);
    await g.recordAuthFailure("a");
    expect((await g.admit({ address: "a" })).ok).toBe(true);
  });

  it("takes a full set of failures again after a lockout ends", async () => {
    vi.useFakeTimers();
    const g = guard({ ...lockout, lockoutWindowSeconds: 600, lockoutSeconds: 30 });
    for (let i = 0; i < 3; i++) await g.recordAuthFailure("a");
    vi.advanceTimersByTime(30_001);
    await g.recordAuthFailure("a");
    expect((await g.admit({ address: "a" })).ok).toBe(true);
  });

  it("refuses invalid limits at construction", () => {
    expect(() => guard({ perAddressPerMinute: -1 })).toThrow(/perAddressPerMinute/);
    expect(() => guard({ perTokenPerMinute: 1.5 })).toThrow(/perTokenPerMinute/);
    expect(() => guard({ authFailuresBeforeLockout: 3, lockoutSeconds: 0 })).toThrow(/lockoutSeconds/);
    expect(() => guard({ authFailuresBeforeLockout: 0, lockoutSeconds: 0 })).not.toThrow();
  });
});

describe("abuse guard: store outage", () => {
  it("fails open, reports the error and flags itself degraded", async () => {
    // Never connects (lazyConnect, nothing listens on port 1): every store call fails at once.
    const redis = new Redis({ host: "127.0.0.1", port: 1, lazyConnect: true, maxRetriesPerRequest: 0 });
    const errors: string[] = [];
    const g = createAbuseGuard({
      limits: { ...NONE, perAddressPerMinute: 1, perTokenPerMinute: 1, authFailuresBeforeLockout: 1 },
      redis,
      onError: (_error, operation) => errors.push(operation),
    });
    try {
      await g.recordAuthFailure("a");
      const results = await admitTimes(g, 3, { address: "a", tokenKey: "t" });
      expect(results.every((r) => r.ok)).toBe(true);
      expect(g.degraded).toBe(true);
      const operations = ["record-auth-failure", "lockout-check", "address-limit", "token-limit"];
      expect(new Set(errors)).toEqual(new Set(operations));
    } finally {
      redis.disconnect();
    }
  });

  it("survives an onError callback that throws", async () => {
    const redis = new Redis({ host: "127.0.0.1", port: 1, lazyConnect: true });
    const g = createAbuseGuard({
      limits: { ...NONE, perAddressPerMinute: 1 },
      redis,
      onError: () => {
        throw new Error("logger broke");
      },
    });
    try {
      expect(await g.admit({ address: "a" })).toEqual({ ok: true });
    } finally {
      redis.disconnect();
    }
  });
});
