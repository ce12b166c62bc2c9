import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, READY_WAIT_MS, spawnGateway, type GatewayProcess } from "../helpers/gateway-process.js";
import { adminDatabaseUrl, createScratchPostgresDatabase } from "../helpers/test-database.js";

const dirs: string[] = [];
const children: GatewayProcess[] = [];
afterAll(() => {
  for (const g of children) if (g.child.exitCode === null) g.child.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sg-proc-"));
  dirs.push(dir);
  return dir;
}

async function boot(cwd: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const g = spawnGateway({ cwd, env, port: await freePort() });
  children.push(g);
  return g;
}

/** Holds an idle keep-alive connection open, as load balancers and TradingView's senders do. */
function holdKeepAlive(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/healthz`, { headers: { connection: "keep-alive" } }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the gateway process on the embedded database", () => {
  it("serves /healthz with no database server and no .env, then stops on SIGTERM with 0", async () => {
    const cwd = scratchDir();
    const g = await boot(cwd);
    await g.waitFor("/healthz", READY_WAIT_MS);
    expect((await fetch(`${g.url}/readyz`)).status).toBe(200);

    const keyFile = join(cwd, "data", "admin-api-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, "utf8").trim();
    expect(g.stdout()).toContain(keyFile);
    expect(g.stdout()).not.toContain(key);
    const list = await fetch(`${g.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(list.status).toBe(200);

    // A second gateway on the same embedded database is refused instead of corrupting it.
    const rival = await boot(cwd);
    expect((await rival.exited).code).toBe(1);
    expect(rival.stderr()).toContain("in use by another process");

    await holdKeepAlive(g.url);
    const signalled = Date.now();
    g.child.kill("SIGTERM");
    const exit = await g.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(g.stdout()).toContain('"msg":"stopped"');

    // Same data directory: the same key still works and no new key is generated.
    const again = await boot(cwd);
    await again.waitFor("/readyz", READY_WAIT_MS);
    expect(readFileSync(keyFile, "utf8").trim()).toBe(key);
    expect((await fetch(`${again.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    again.child.kill("SIGINT");
    expect((await again.exited).code).toBe(0);
  }, 2 * READY_WAIT_MS + 20_000);
});

describe("configuration errors", () => {
  it("exits 1 with one line per bad variable, naming it, without a stack trace or the value", async () => {
    const g = await boot(scratchDir(), { PORT: "http", LOG_LEVEL: "loud", API_KEY: "tooShortSecretValue" });
    const exit = await g.exited;
    expect(exit.code).toBe(1);
    const lines = g.stderr().trim().split("\n");
    expect(lines.some((l) => l.includes("PORT"))).toBe(true);
    expect(lines.some((l) => l.includes("LOG_LEVEL"))).toBe(true);
    expect(lines.some((l) => l.includes("API_KEY"))).toBe(true);
    expect(lines).toHaveLength(3);
    expect(g.stderr()).not.toMatch(/^\s+at /m);
    expect(g.stderr()).not.toContain("tooShortSecretValue");
  });

  it("exits 1 naming the live account and the unset variable, never a credential value", async () => {
    const accounts = [
      { id: "binance-test", name: "Binance testnet", exchange: "binance", apiKeyEnv: "BINANCE_TESTNET_KEY", secretEnv: "BINANCE_TESTNET_SECRET", marketType: "spot" },
    ];
    const g = await boot(scratchDir(), { EXCHANGE_ACCOUNTS: JSON.stringify(accounts), BINANCE_TESTNET_KEY: "ProcessKeyValue0000ZZZZ" });
    const exit = await g.exited;
    expect(exit.code).toBe(1);
    expect(g.stderr().trim().split("\n")).toEqual([
      "signal-gateway: invalid configuration: EXCHANGE_ACCOUNTS[0] (binance-test).secretEnv: environment variable BINANCE_TESTNET_SECRET is not set",
    ]);
    expect(g.stdout() + g.stderr()).not.toContain("ProcessKeyValue0000ZZZZ");
  });

  it("reads .env when present, and the real environment wins over it", async () => {
    const cwd = scratchDir();
    writeFileSync(join(cwd, ".env"), "DATABASE_POOL_MAX=zero\nSHUTDOWN_TIMEOUT_MS=soon\n");
    const g = await boot(cwd, { SHUTDOWN_TIMEOUT_MS: "5000" });
    expect((await g.exited).code).toBe(1);
    expect(g.stderr()).toContain("DATABASE_POOL_MAX");
    expect(g.stderr()).not.toContain("SHUTDOWN_TIMEOUT_MS");
  });

  it("exits 1 naming the database host, never the password, when PostgreSQL is unreachable", async () => {
    const port = await freePort();
    const g = await boot(scratchDir(), { DATABASE_URL: `postgres://trader:Hunter2Secret@127.0.0.1:${port}/gateway` });
    const exit = await g.exited;
    expect(exit.code).toBe(1);
    const output = g.stdout() + g.stderr();
    expect(g.stderr()).toContain(`127.0.0.1:${port}`);
    // The driver's reason, not the ORM's wrapper around it.
    expect(g.stderr()).toContain("ECONNREFUSED");
    expect(g.stderr()).not.toContain("Failed query");
    expect(output).not.toContain("Hunter2Secret");
    expect(g.stderr()).not.toMatch(/^\s+at /m);
  });
});

describe.skipIf(!adminDatabaseUrl())("the gateway process on PostgreSQL", () => {
  it("migrates a fresh database at boot, is ready, and stops cleanly", async () => {
    const scratch = await createScratchPostgresDatabase(adminDatabaseUrl() as string);
    try {
      const g = await boot(scratchDir(), { DATABASE_URL: scratch.url });
      await g.waitFor("/readyz", READY_WAIT_MS);
      expect(g.stdout()).toMatch(/"applied":[1-9]/);
      g.child.kill("SIGTERM");
      expect((await g.exited).code).toBe(0);
    } finally {
      await scratch.drop();
    }
  }, READY_WAIT_MS + 20_000);
});
