/**
 * Gateway target: the real app, composed the way src/main.ts composes it (container, migrations,
 * signal workers, createApp, @hono/node-server), over a throwaway PGlite in a fresh temp directory,
 * or over PostgreSQL when the parent passes BENCH_DATABASE_URL (a scratch database it owns). With
 * BENCH_EXCHANGE_ACCOUNTS (EXCHANGE_ACCOUNTS' JSON), it trades on those accounts, whose credentials
 * the parent passes in the variables BENCH_EXCHANGE_CREDENTIAL_ENV names.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Services } from "../../src/container.js";
import type { StrategyConfigPatch } from "../../src/domain/strategy-config.js";
import { BENCH_API_KEY, BENCH_EXCHANGE_CREDENTIAL_ENV, exitWhenParentSaysSo, reportReady, type WebhookInfo } from "./protocol.js";

// The gateway as `npm start` runs it: the compiled dist/ (which `npm run bench` builds first), not
// the sources through tsx, whose transform wraps every closure and would be measured with it.
const dist = (module: string) => new URL(`../../dist/${module}`, import.meta.url).href;
const { createApp } = (await import(dist("app.js"))) as typeof import("../../src/app.js");
const { parseConfig } = (await import(dist("config/env.js"))) as typeof import("../../src/config/env.js");
const { buildContainer } = (await import(dist("container.js"))) as typeof import("../../src/container.js");
const { migrate } = (await import(dist("db/migrate.js"))) as typeof import("../../src/db/migrate.js");
const { createStrategy } = (await import(dist("strategy/strategy-service.js"))) as typeof import("../../src/strategy/strategy-service.js");

const STRATEGY_KEY = "bench";

async function boot(dataDir: string): Promise<{ services: Services; server: Server }> {
  // An explicit environment rather than process.env, so a developer's .env cannot point the
  // benchmark at a real database or turn logging on (which would measure pino, not the gateway).
  const credentials = Object.fromEntries(BENCH_EXCHANGE_CREDENTIAL_ENV.map((name) => [name, process.env[name]]));
  const parsed = parseConfig({
    ...credentials,
    EXCHANGE_ACCOUNTS: process.env.BENCH_EXCHANGE_ACCOUNTS || undefined,
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    API_KEY: BENCH_API_KEY,
    LOG_LEVEL: "silent",
    // Every request comes from 127.0.0.1 with one token: the limiter would measure itself, not ingestion.
    WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0",
    WEBHOOK_RATE_LIMIT_PER_TOKEN: "0",
    AUTH_FAILURE_LOCKOUT_THRESHOLD: "0",
  });
  if (!parsed.ok) throw new Error(`benchmark configuration is invalid: ${parsed.errors.join("; ")}`);
  const services = await buildContainer(parsed.config, { secretEnv: credentials });
  await migrate(services.database.db, services.migrations);
  // As in production: workers claim and finish signals while webhooks are being committed.
  await services.processing.start();
  const app = createApp(services);
  // Port 0, not config.PORT: the OS picks a free ephemeral port, which is reported to the parent.
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s as Server));
    s.once("error", reject);
  });
  return { services, server };
}

/**
 * One strategy with no passphrase and no symbol list; the parent gets only its webhook path. Its
 * configuration is the default unless the parent passes BENCH_STRATEGY_CONFIG (a JSON configuration
 * patch, as POST /v1/strategies takes it; "" is unset).
 */
async function createBenchStrategy(services: Services): Promise<WebhookInfo> {
  const raw = process.env.BENCH_STRATEGY_CONFIG;
  const config = raw ? (JSON.parse(raw) as StrategyConfigPatch) : undefined;
  const input = { key: STRATEGY_KEY, name: "Benchmark", enabled: true, allowedSymbols: [], passphrase: false, actor: "bench", ...(config ? { config } : {}) };
  const created = await createStrategy({ ctx: services.strategies, input });
  return { path: new URL(created.webhookUrl).pathname, strategyKey: created.strategy.key };
}

const dataDir = mkdtempSync(join(tmpdir(), "sg-bench-"));
let running: { services: Services; server: Server } | undefined;

// Registered before booting: PGlite start-up takes seconds, and a Ctrl-C or a dead parent during it
// must still remove the temp database.
exitWhenParentSaysSo(async () => {
  const booted = running;
  if (booted) {
    booted.server.closeAllConnections();
    await new Promise<void>((resolve) => booted.server.close(() => resolve()));
    await booted.services.processing.stop().catch(() => {});
    await booted.services.database.close().catch(() => {});
  }
  rmSync(dataDir, { recursive: true, force: true });
});

try {
  running = await boot(dataDir);
  const webhook = await createBenchStrategy(running.services);
  reportReady({ port: (running.server.address() as AddressInfo).port, webhook });
} catch (err) {
  // The parent sees the exit before any "ready" and reports it; the temp dir must not leak.
  process.stderr.write(`gateway-server: failed to start: ${(err as Error).stack ?? String(err)}\n`);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
}
