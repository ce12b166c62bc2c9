import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, READY_WAIT_MS, spawnGateway } from "../helpers/gateway-process.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy } from "../helpers/strategies.js";
import { adminDatabaseUrl, createScratchPostgresDatabase } from "../helpers/test-database.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("GET/PUT /v1/trading-state", () => {
  it("starts ACTIVE and records who halted it and why", async () => {
    const before = await t.http.get("/v1/trading-state").set(t.auth());
    expect(before.body).toMatchObject({ scope: "global", state: "ACTIVE", reason: "default", changedBy: null });
    const put = await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "HALTED", reason: "exchange maintenance" });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ state: "HALTED", reason: "exchange maintenance", changedBy: "key_env_admin" });
    expect((await t.http.get("/v1/trading-state").set(t.auth())).body.state).toBe("HALTED");
    const back = await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "ACTIVE", reason: "maintenance over" });
    expect(back.body.state).toBe("ACTIVE");
  });

  it("needs the admin scope to change it, and validates the body", async () => {
    const made = await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "trader", scopes: ["write"] });
    const denied = await t.http.put("/v1/trading-state").set(t.auth(made.body.key)).send({ state: "ACTIVE", reason: "x" });
    expect(denied.status).toBe(403);
    expect((await t.http.get("/v1/trading-state").set(t.auth(made.body.key))).status).toBe(200);
    const bad = await t.http.put("/v1/trading-state").set(t.auth()).send({ state: "PAUSED", reason: "" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["reason", "state"]);
    expect((await t.http.get("/v1/trading-state")).status).toBe(401);
  });

  it("keeps a strategy's own state apart from the global one", async () => {
    const s = await createStrategy(t);
    const put = await t.http.put(`/v1/strategies/${s.id}/trading-state`).set(t.auth()).send({ state: "REDUCING", reason: "wind down" });
    expect(put.body).toMatchObject({ scope: "strategy", strategyId: s.id, state: "REDUCING" });
    expect((await t.http.get(`/v1/strategies/${s.id}/trading-state`).set(t.auth())).body.state).toBe("REDUCING");
    expect((await t.http.get("/v1/trading-state").set(t.auth())).body.state).toBe("ACTIVE");
    expect((await t.http.get("/v1/strategies/stg_nope/trading-state").set(t.auth())).status).toBe(404);
  });
});

describe("the kill switch across a restart", () => {
  it("is still HALTED after the gateway restarts", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "sg-halt-"));
    const env: Record<string, string> = { API_KEY: "halt-test-admin-key-0123456789abcdef0123" };
    const admin = adminDatabaseUrl();
    const scratch = admin ? await createScratchPostgresDatabase(admin) : undefined;
    if (scratch) env.DATABASE_URL = scratch.url;
    const auth = { authorization: `Bearer ${env.API_KEY}`, "content-type": "application/json" };
    const port = await freePort();
    try {
      const first = spawnGateway({ cwd, env, port });
      await first.waitFor("/readyz", READY_WAIT_MS);
      const put = await fetch(`${first.url}/v1/trading-state`, { method: "PUT", headers: auth, body: JSON.stringify({ state: "HALTED", reason: "drill" }) });
      expect(put.status).toBe(200);
      first.child.kill("SIGTERM");
      expect((await first.exited).code).toBe(0);

      const second = spawnGateway({ cwd, env, port });
      await second.waitFor("/readyz", READY_WAIT_MS);
      const after = await fetch(`${second.url}/v1/trading-state`, { headers: auth });
      expect(await after.json()).toMatchObject({ state: "HALTED", reason: "drill" });
      second.child.kill("SIGTERM");
      await second.exited;
    } finally {
      await scratch?.drop();
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 2 * READY_WAIT_MS + 20_000);
});
