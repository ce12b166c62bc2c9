import type { AddressInfo } from "node:net";
import type { LiveVenues } from "../../src/execution/live/live-venues-port.js";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import supertest from "supertest";
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config/env.js";
import { buildContainer, type Services } from "../../src/container.js";
import type { Clock } from "../../src/lib/clock.js";
import { LogCapture } from "./log-capture.js";
import { openTestDatabase, type TestDatabase } from "./test-database.js";

export const TEST_ADMIN_KEY = "test-admin-key-0123456789abcdef0123456789";

export type TestApp = {
  http: supertest.Agent;
  /** http://127.0.0.1:port, for clients other than supertest (a browser). */
  baseUrl: string;
  services: Services;
  logs: LogCapture;
  db: TestDatabase;
  adminKey: string;
  auth: (key?: string) => { authorization: string };
  close(): Promise<void>;
};

/** The real app on a real socket over a fresh database; supertest drives it over HTTP. */
export async function startTestApp(env: Record<string, string> = {}, overrides: { clock?: Clock; liveVenues?: LiveVenues } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "sg-test-"));
  const parsed = parseConfig({ NODE_ENV: "test", API_KEY: TEST_ADMIN_KEY, DATA_DIR: dataDir, ...env });
  if (!parsed.ok) throw new Error(`test configuration is invalid: ${parsed.errors.join("; ")}`);
  const logs = new LogCapture();
  const db = await openTestDatabase();
  const services = await buildContainer(parsed.config, { logger: logs.logger, database: db.database, secretEnv: env, ...(db.url ? { candleSourceUrl: db.url } : {}), ...overrides });
  await services.processing.start();
  const server = createAdaptorServer({ fetch: createApp(services).fetch }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    http: supertest.agent(server),
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    services,
    logs,
    db,
    adminKey: TEST_ADMIN_KEY,
    auth: (key = TEST_ADMIN_KEY) => ({ authorization: `Bearer ${key}` }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.processing.stop();
      await services.closeExtras();
      await db.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
