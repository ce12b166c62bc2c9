import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_TTL_MS } from "../../src/auth/sessions.js";
import type { TestApp } from "../helpers/harness.js";
import { OffsetClock, startTestAppWithClock } from "../helpers/trading.js";
import { dashboardClient, sessionCookieOf } from "./dashboard-client.js";

// The loopback peer is a trusted proxy here, so X-Forwarded-For and X-Forwarded-Proto are believed:
// each test speaks from its own client address, and a lockout is tried with a low threshold.
const clock = new OffsetClock();
let t: TestApp;
let client: ReturnType<typeof dashboardClient>;

beforeAll(async () => {
  t = await startTestAppWithClock(clock, { TRUSTED_PROXIES: "127.0.0.1", AUTH_FAILURE_LOCKOUT_THRESHOLD: "3" });
  client = dashboardClient(t);
});
afterAll(() => t.close());

const from = (address: string) => ({ "x-forwarded-for": address });

describe("dashboard sessions", () => {
  it("expire after their lifetime, by the gateway's clock", async () => {
    const cookie = await client.login(t.adminKey);
    clock.advance(SESSION_TTL_MS - 60_000);
    expect((await client.get("/dashboard", cookie)).status).toBe(200);
    clock.advance(120_000);
    const expired = await client.get("/dashboard", cookie);
    expect(expired.status).toBe(303);
    expect(expired.location).toBe("/dashboard/login");
  });

  it("get a Secure cookie when a trusted proxy says the browser used https", async () => {
    const res = await client.post("/dashboard/login", { key: t.adminKey }, undefined, { ...from("198.51.100.7"), "x-forwarded-proto": "https" });
    expect(res.status).toBe(303);
    expect(res.setCookies.find((c) => c.startsWith("sg_dashboard="))).toMatch(/; Secure/i);
  });

  it("lock an address out after repeated wrong keys, even for the right key, through the webhooks' limiter", async () => {
    const attacker = from("203.0.113.9");
    for (let i = 0; i < 3; i++) {
      expect((await client.post("/dashboard/login", { key: `sg_guess${i}guessguessguessguessguessguess` }, undefined, attacker)).status).toBe(401);
    }
    const locked = await client.post("/dashboard/login", { key: t.adminKey }, undefined, attacker);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(locked.text).toContain("Too many attempts from this address");
    expect(sessionCookieOf(locked)).toBeUndefined();
    // The same lockout the webhooks keep: that address is refused there too.
    const webhook = await t.http.post("/webhooks/tradingview/not-a-token-at-all").set(attacker).set("content-type", "text/plain").send("buy");
    expect(webhook.status).toBe(429);
    // Another address is unaffected.
    expect((await client.post("/dashboard/login", { key: t.adminKey }, undefined, from("203.0.113.10"))).status).toBe(303);
  });
});
