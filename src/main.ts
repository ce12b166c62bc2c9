import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { ensureBootstrapAdminKey } from "./auth/bootstrap-admin-key.js";
import { withDotenv } from "./config/dotenv.js";
import { parseConfig, type Config } from "./config/env.js";
import { buildContainer, type Services } from "./container.js";
import { DatabaseUnreachableError } from "./db/client.js";
import { DataDirLockedError } from "./db/data-dir-lock.js";
import { migrate } from "./db/migrate.js";
import { createLogger, type Logger } from "./lib/logger.js";
import { ExchangeAccountConflictError } from "./trading/register-exchange-accounts.js";

/** Boot failures are one plain line on stderr and exit 1: no stack trace for an operator to decode. */
function exitWith(lines: string[]): never {
  for (const line of lines) process.stderr.write(`signal-gateway: ${line}\n`);
  process.exit(1);
}

async function start(config: Config, env: Record<string, string | undefined>, logger: Logger): Promise<{ services: Services; server: Server }> {
  // Exchange credentials stay in the environment; the container keeps only a way to read them.
  const services = await buildContainer(config, { logger, secretEnv: env });
  const report = await migrate(services.database.db, services.migrations);
  logger.info({ database: services.database.target, ...report }, "database ready");
  await ensureBootstrapAdminKey(services.auth, {
    dataDir: config.DATA_DIR,
    apiKeySet: config.API_KEY !== undefined,
    logger,
  });
  await services.processing.start();
  const app = createApp(services);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, () => resolve(s as Server));
    s.once("error", reject);
  });
  logger.info({ host: config.HOST, port: config.PORT }, "listening");
  return { services, server };
}

/**
 * Stop accepting, let in-flight requests finish within SHUTDOWN_TIMEOUT_MS, then cut what is left,
 * close the database and exit 0.
 */
function handleShutdown(config: Config, logger: Logger, services: Services, server: Server) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      logger.warn({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "in-flight requests outlived the shutdown timeout");
      server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    // A keep-alive client that never pauses keeps its connection busy, and server.close() would go on
    // serving it until the deadline: every answer from now on closes its connection instead.
    server.on("request", (_req, res) => res.setHeader("connection", "close"));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(deadline);
    await services.processing.stop().catch((err: unknown) => logger.error({ err }, "stopping signal workers failed"));
    await services.closeExtras();
    await services.database.close().catch((err: unknown) => logger.error({ err }, "closing the database failed"));
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

async function main() {
  const env = withDotenv(process.env);
  const parsed = parseConfig(env);
  if (!parsed.ok) exitWith(parsed.errors.map((e) => `invalid configuration: ${e}`));
  const config = parsed.config;
  const logger = createLogger(config.LOG_LEVEL);
  process.on("unhandledRejection", (err) => {
    logger.fatal({ err }, "unhandled promise rejection");
    process.exit(1);
  });
  try {
    const { services, server } = await start(config, env, logger);
    handleShutdown(config, logger, services, server);
  } catch (err) {
    if (err instanceof DatabaseUnreachableError || err instanceof DataDirLockedError) exitWith([err.message]);
    if (err instanceof ExchangeAccountConflictError) exitWith([`invalid configuration: ${err.message}`]);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      exitWith([`cannot listen on ${config.HOST}:${config.PORT} (${code})`]);
    }
    logger.fatal({ err }, "failed to start");
    exitWith(["failed to start; see the log line above"]);
  }
}

void main();
