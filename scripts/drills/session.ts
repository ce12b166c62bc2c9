import { randomBytes } from "node:crypto";
import { drillApi, type DrillApi } from "./api.js";
import { prepareDrillDatabase, type DrillDatabase } from "./database.js";
import { freePort, startGateway, type Gateway } from "./gateway.js";

export type SessionOptions = {
  /** A PostgreSQL admin URL: the drill runs on a scratch database made through it. Absent: PGlite. */
  adminUrl?: string | undefined;
  /** Extra gateway environment. */
  env?: Record<string, string>;
  /** Replaces the DATABASE_URL the gateways get (the outage drill routes them through its proxy). */
  databaseUrl?: (scratchUrl: string) => string;
};

/** One drill's database, port, admin key and gateways: every gateway it starts uses the same ones. */
export type DrillSession = {
  readonly database: DrillDatabase;
  readonly api: DrillApi;
  readonly url: string;
  /** The admin key the gateways are started with (API_KEY). */
  readonly apiKey: string;
  /** Starts a gateway and waits until it is ready. */
  boot(): Promise<Gateway>;
  /** The gateway started last. */
  current(): Gateway | undefined;
  /** The last log lines of every gateway started, each under its own heading, for a failure report. */
  logTail(): string;
  /** Kills whatever still runs (SIGKILL) and removes the database. */
  close(): Promise<void>;
};

const BOOT_TIMEOUT_MS = 60_000;

export async function openSession(options: SessionOptions): Promise<DrillSession> {
  const database = await prepareDrillDatabase({ adminUrl: options.adminUrl });
  const port = await freePort();
  const apiKey = randomBytes(24).toString("hex");
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    API_KEY: apiKey,
    LOG_LEVEL: "warn",
    SIGNAL_WORKERS: "2",
    // The drills send far more than one sender's fair share: the abuse limits would answer 429.
    WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0",
    WEBHOOK_RATE_LIMIT_PER_TOKEN: "0",
    ...database.env,
    ...(database.url && options.databaseUrl ? { DATABASE_URL: options.databaseUrl(database.url) } : {}),
    ...options.env,
  };
  const started: Gateway[] = [];
  return {
    database,
    api: drillApi(() => url, apiKey),
    url,
    apiKey,
    boot: async () => {
      const gateway = startGateway({ cwd: database.cwd, port, env });
      started.push(gateway);
      await gateway.ready(BOOT_TIMEOUT_MS);
      return gateway;
    },
    current: () => started[started.length - 1],
    logTail: () =>
      started
        .map((g, i) => ({ n: i + 1, tail: g.logTail(12) }))
        .filter(({ tail }) => tail !== "")
        .map(({ n, tail }) => `-- gateway ${n} of ${started.length} --\n${tail}`)
        .join("\n"),
    close: async () => {
      for (const g of started) {
        if (g.running()) {
          g.child.kill("SIGKILL");
          await g.exited;
        }
      }
      await database.dispose();
    },
  };
}
