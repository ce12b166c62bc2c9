import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import supertest from "supertest";
import { expect } from "vitest";
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config/env.js";
import { buildContainer, type Services } from "../../src/container.js";
import type { Database } from "../../src/db/client.js";
import { NO_LIVE_VENUES } from "../../src/execution/live/live-venues-port.js";
import type { Clock } from "../../src/lib/clock.js";
import { LogCapture } from "../helpers/log-capture.js";
import { TEST_ADMIN_KEY, type TestApp } from "../helpers/harness.js";

/** The test worker that holds a backtest `running` until it is cancelled or terminated. */
export const HOLD_WORKER = new URL("./backtests-hold-worker.ts", import.meta.url);

export type Gateway = { http: supertest.Agent; services: Services; logs: LogCapture; close(): Promise<void> };

/**
 * Another gateway instance on a database a harness app already owns, as a second process behind the
 * same load balancer would be: its own container, queue workers and socket. Closing it (once; again is a
 * no-op) leaves the database open.
 */
export async function startGateway(
  database: Database,
  env: Record<string, string> = {},
  overrides: { backtestWorkerUrl?: URL; clock?: Clock } = {},
): Promise<Gateway> {
  const dataDir = mkdtempSync(join(tmpdir(), "sg-bt-"));
  const parsed = parseConfig({ NODE_ENV: "test", API_KEY: TEST_ADMIN_KEY, DATA_DIR: dataDir, ...env });
  if (!parsed.ok) throw new Error(`test configuration is invalid: ${parsed.errors.join("; ")}`);
  const logs = new LogCapture();
  const services = await buildContainer(parsed.config, {
    logger: logs.logger,
    database,
    liveVenues: NO_LIVE_VENUES,
    ...overrides,
  });
  await services.processing.start();
  const server = createAdaptorServer({ fetch: createApp(services).fetch }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  let closed = false;
  return {
    http: supertest.agent(server),
    services,
    logs,
    close: async () => {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.processing.stop();
      await services.closeExtras();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const auth = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

type Http = Pick<TestApp, "http">;

/** Polls a backtest until `until` holds for it (a status, a progress value); fails the test if it never does. */
export async function waitForBacktest(
  app: Http,
  id: string,
  until: (body: Record<string, unknown> & { status: string }) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, unknown> & { status: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.http.get(`/v1/backtests/${id}`).set(auth);
    expect(res.status).toBe(200);
    if (until(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`backtest ${id} never got there: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const FINISHED = ["succeeded", "failed", "cancelled", "timed_out"];
export const finished = (b: { status: string }) => FINISHED.includes(b.status);
