import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AbuseLimits, createAbuseGuard } from "../../src/ingest/abuse-guard.js";

const url = process.env.TEST_REDIS_URL;

const LIMITS: AbuseLimits = {
  perAddressPerMinute: 3,
  perTokenPerMinute: 2,
  authFailuresBeforeLockout: 3,
  lockoutWindowSeconds: 60,
  lockoutSeconds: 120,
};

describe.skipIf(!url)("abuse guard (Redis store)", () => {
  // A fresh prefix per run keeps parallel runs (and earlier runs' keys) out of each other's way.
  const runPrefix = `sg-test:${randomUUID()}`;
  const clients: Redis[] = [];
  let seq = 0;

  async function client(): Promise<Redis> {
    const redis = new Redis(url!);
    clients.push(redis);
    // The guard refuses to queue commands while disconnected, so wait until the client is ready.
    await redis.ping();
    return redis;
  }

  /** A prefix per test, so each test starts from empty counters. */
  const testPrefix = () => `${runPrefix}:${++seq}`;

  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    a = await client();
    b = await client();
  });

  afterAll(async () => {
    let cursor = "0";
    do {
      const [next, keys] = await a.scan(cursor, "MATCH", `${runPrefix}:*`, "COUNT", 1000);
      if (keys.length > 0) await a.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    await Promise.all(clients.map((c) => (c.status === "end" ? undefined : c.quit())));
  });

  it("refuses an address over its budget with scope address and a retry-after", async () => {
    const g = createAbuseGuard({ limits: LIMITS, redis: a, keyPrefix: testPrefix() });
    for (let i = 0; i < 3; i++) expect((await g.admit({ address: "203.0.113.7" })).ok).toBe(true);
    const refused = await g.admit({ address: "203.0.113.7" });
    expect(refused).toMatchObject({ ok: false, scope: "address" });
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await g.admit({ address: "203.0.113.8" })).ok).toBe(true);
    expect(g.degraded).toBe(false);
  });

  it("keeps an independent budget per token", async () => {
    const g = createAbuseGuard({ limits: LIMITS, redis: a, keyPrefix: testPrefix() });
    expect((await g.admit({ address: "a", tokenKey: "t1" })).ok).toBe(true);
    expect((await g.admit({ address: "b", tokenKey: "t1" })).ok).toBe(true);
    expect(await g.admit({ address: "c", tokenKey: "t1" })).toMatchObject({ ok: false, scope: "token" });
    expect((await g.admit({ address: "c", tokenKey: "t2" })).ok).toBe(true);
  });

  it("treats 0 as disabled", async () => {
    const limits = { ...LIMITS, perAddressPerMinute: 0, perTokenPerMinute: 0, authFailuresBeforeLockout: 0 };
    const g = createAbuseGuard({ limits, redis: a, keyPrefix: testPrefix() });
    for (let i = 0; i < 5; i++) await g.recordAuthFailure("a");
    for (let i = 0; i < 20; i++) expect((await g.admit({ address: "a", tokenKey: "t" })).ok).toBe(true);
  });

  it("locks an address out after N failures, and only that address", async () => {
    const g = createAbuseGuard({ limits: { ...LIMITS, perAddressPerMinute: 100 }, redis: a, keyPrefix: testPrefix() });
    await g.recordAuthFailure("attacker");
    await g.recordAuthFailure("attacker");
    expect((await g.admit({ address: "attacker" })).ok).toBe(true);
    await g.recordAuthFailure("attacker");
    const refused = await g.admit({ address: "attacker" });
    expect(refused).toMatchObject({ ok: false, scope: "lockout" });
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(119);
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(120);
    expect((await g.admit({ address: "innocent" })).ok).toBe(true);
  });

  it("shares counters between instances using separate clients and the same prefix", async () => {
    const keyPrefix = testPrefix();
    const one = createAbuseGuard({ limits: LIMITS, redis: a, keyPrefix });
    const two = createAbuseGuard({ limits: LIMITS, redis: b, keyPrefix });

    expect((await one.admit({ address: "shared" })).ok).toBe(true);
    expect((await two.admit({ address: "shared" })).ok).toBe(true);
    expect((await one.admit({ address: "shared" })).ok).toBe(true);
    expect(await two.admit({ address: "shared" })).toMatchObject({ ok: false, scope: "address" });

    await one.recordAuthFailure("brute");
    await two.recordAuthFailure("brute");
    await one.recordAuthFailure("brute");
    expect(await two.admit({ address: "brute" })).toMatchObject({ ok: false, scope: "lockout" });
  });

  it("fails open and reports degraded when its client is gone", async () => {
    const gone = await client();
    const errors: string[] = [];
    const g = createAbuseGuard({
      limits: { ...LIMITS, perAddressPerMinute: 1 },
      redis: gone,
      keyPrefix: testPrefix(),
      onError: (_e, operation) => errors.push(operation),
    });
    expect((await g.admit({ address: "a" })).ok).toBe(true);
    expect(g.degraded).toBe(false);
    await gone.quit();
    for (let i = 0; i < 3; i++) expect((await g.admit({ address: "a", tokenKey: "t" })).ok).toBe(true);
    await g.recordAuthFailure("a");
    expect(g.degraded).toBe(true);
    expect(errors).toContain("address-limit");
    expect(errors).toContain("record-auth-failure");
  });
});
