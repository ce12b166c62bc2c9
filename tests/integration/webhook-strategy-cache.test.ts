/**
 * The intake caches strategies by token, and every delivery decided on a cached strategy is stored
 * only if the strategy is still so at commit. These tests change a strategy through a second
 * instance on the same database (whose change the first instance's cache never hears of) and check
 * that the first instance obeys the change on the very next alert.
 */
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import supertest from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config/env.js";
import { buildContainer, type Services } from "../../src/container.js";
import { sha256Hex } from "../../src/lib/secrets.js";
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";

let a: TestApp;
let other: { http: supertest.Agent; services: Services; server: Server };
let s: CreatedStrategy;

beforeAll(async () => {
  a = await startTestApp();
  const parsed = parseConfig({ NODE_ENV: "test", API_KEY: TEST_ADMIN_KEY, DATA_DIR: a.services.config.DATA_DIR });
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  // A second gateway on the same database, with its own caches and no workers.
  const services = await buildContainer(parsed.config, { logger: a.logs.logger, database: a.db.database });
  const server = createAdaptorServer({ fetch: createApp(services).fetch }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  other = { http: supertest.agent(server), services, server };
});

afterAll(async () => {
  other.server.closeAllConnections();
  await new Promise<void>((resolve) => other.server.close(() => resolve()));
  await a.close();
});

let n = 0;
const alert = (extra: Record<string, unknown> = {}) => JSON.stringify({ ticker: "BTCUSDT", action: "buy", quantity: "0.001", n: ++n, ...extra });
const postToA = (path: string, body: string) => a.http.post(path).set("content-type", "application/json").send(body);
const auth = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

async function ledgerCount(strategyKey: string): Promise<number> {
  const res = await a.http.get(`/v1/signals?strategy=${strategyKey}&limit=500`).set(a.auth());
  return res.body.data.length;
}

beforeEach(async () => {
  s = await createStrategy(a, { passphrase: true });
  // Warm instance A's cache: this alert is decided on a database read, later ones on the cache.
  const warm = await postToA(s.webhookPath, alert({ passphrase: s.passphrase }));
  expect(warm.status).toBe(202);
  // Otherwise these tests would pass without the cache being in play at all.
  const token = s.webhookPath.split("/").pop() as string;
  expect(a.services.intake.strategyCache.get(sha256Hex(token))?.id).toBe(s.id);
});

describe("a strategy changed on another instance", () => {
  it("is refused as disabled by the next alert, and accepted again once enabled", async () => {
    const patched = await other.http.patch(`/v1/strategies/${s.id}`).set(auth).send({ enabled: false });
    expect(patched.status).toBe(200);
    const refused = await postToA(s.webhookPath, alert({ passphrase: s.passphrase }));
    expect(refused.status).toBe(422);
    expect(refused.body.reason).toBe("STRATEGY_DISABLED");
    await other.http.patch(`/v1/strategies/${s.id}`).set(auth).send({ enabled: true });
    expect((await postToA(s.webhookPath, alert({ passphrase: s.passphrase }))).status).toBe(202);
    // Warm-up, refusal (stored as rejected), acceptance: nothing stored twice, nothing lost.
    expect(await ledgerCount(s.key)).toBe(3);
  });

  it("refuses the old token once rotated, and takes the new one", async () => {
    const rotated = await other.http.post(`/v1/strategies/${s.id}/webhook-token/rotate`).set(auth);
    expect(rotated.status).toBe(200);
    expect((await postToA(s.webhookPath, alert({ passphrase: s.passphrase }))).status).toBe(404);
    const fresh = new URL(rotated.body.webhookUrl).pathname;
    expect((await postToA(fresh, alert({ passphrase: s.passphrase }))).status).toBe(202);
    expect(await ledgerCount(s.key)).toBe(2);
  });

  it("refuses the old passphrase once rotated, and takes the new one", async () => {
    const rotated = await other.http.post(`/v1/strategies/${s.id}/passphrase/rotate`).set(auth);
    expect(rotated.status).toBe(200);
    expect((await postToA(s.webhookPath, alert({ passphrase: s.passphrase }))).status).toBe(401);
    expect((await postToA(s.webhookPath, alert({ passphrase: rotated.body.passphrase }))).status).toBe(202);
    expect(await ledgerCount(s.key)).toBe(2);
  });

  it("applies a new symbol list to the next alert", async () => {
    await other.http.patch(`/v1/strategies/${s.id}`).set(auth).send({ allowedSymbols: ["ETH/USDT"] });
    const refused = await postToA(s.webhookPath, alert({ passphrase: s.passphrase }));
    expect(refused.status).toBe(422);
    expect(refused.body.reason).toBe("SYMBOL_NOT_ALLOWED");
  });
});

describe("a batch of concurrent alerts", () => {
  it("stores every accepted alert once, even when some arrive twice at once", async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => alert({ passphrase: s.passphrase, i }));
    // Every fourth body is sent twice at once: each pair must give one stored signal and one duplicate.
    const sends = bodies.flatMap((b, i) => (i % 4 === 0 ? [b, b] : [b]));
    const answers = await Promise.all(sends.map((b) => postToA(s.webhookPath, b)));
    expect(answers.every((r) => r.status === 200 || r.status === 202)).toBe(true);
    const ids = new Set(answers.map((r) => r.body.id));
    expect(ids.size).toBe(bodies.length);
    expect(await ledgerCount(s.key)).toBe(bodies.length + 1);
  });
});
