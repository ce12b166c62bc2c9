import type { MigrationMeta } from "drizzle-orm/migrator";
import type { AuthContext } from "./auth/api-keys.js";
import type { Config } from "./config/env.js";
import { openDatabase, type Database } from "./db/client.js";
import { loadMigrations } from "./db/migrate.js";
import type { ReadinessContext } from "./health/readiness.js";
import { systemClock, type Clock } from "./lib/clock.js";
import { randomIds, type IdSource } from "./lib/ids.js";
import { createLogger, type Logger } from "./lib/logger.js";
import { sha256Hex } from "./lib/secrets.js";
import { Redis } from "ioredis";
import { createAbuseGuard } from "./ingest/abuse-guard.js";
import type { IntakeContext } from "./ingest/intake-context.js";
import { StrategyTokenCache } from "./ingest/strategy-token-cache.js";
import { createSignalProcessing, type SignalProcessing } from "./ingest/signal-processing.js";
import { parseTrustedProxies } from "./ingest/source-address.js";
import { parseWebhookSecrets } from "./ingest/standard-webhooks.js";
import type { TradingStateContext } from "./risk/trading-state-store.js";
import type { TradingContext } from "./trading/context.js";
import type { StrategyContext } from "./strategy/strategy-service.js";
import { NO_LIVE_VENUES, type LiveVenues } from "./execution/live/live-venues-port.js";
import { createLimitFallbackSweeper, type LimitFallbackSweeper } from "./execution/limit-fallback/sweeper.js";
import { ensurePaperAccount } from "./execution/paper/paper-account.js";
import { createPaperPriceFeed, type PaperPriceFeed } from "./execution/paper/price-feed.js";
import { createCandleFetcher, type CandleFetcher } from "./market-data/candle-fetcher-pass.js";
import { createLiveAccounts, type LiveAccounts } from "./execution/live-status.js";
import { registerExchangeAccounts } from "./trading/register-exchange-accounts.js";
import { handleSignal, PAPER_ACCOUNT_ID } from "./strategy/signal-handler.js";
import type { MarketDataContext } from "./market-data/context.js";
import { createBacktestJobs } from "./backtest/jobs/backtest-jobs.js";
import type { BacktestContext } from "./backtest/service/context.js";
import type { Metrics } from "./metrics/port.js";
import { createPrometheusMetrics } from "./metrics/prometheus-metrics.js";
import { createNotifications, type NotificationsContext } from "./notifications/context.js";
import { withVenueNotifications } from "./notifications/venue-status.js";

/** Everything a request handler may use, built once at boot and handed to createApp. */
export type Services = {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly migrations: MigrationMeta[];
  readonly auth: AuthContext;
  readonly readiness: ReadinessContext;
  readonly strategies: StrategyContext;
  readonly intake: IntakeContext;
  readonly processing: SignalProcessing;
  readonly tradingStates: TradingStateContext;
  readonly trading: TradingContext;
  /** Expires signal limits past their strategy's timeout; its timer runs with processing. */
  readonly limitFallback: LimitFallbackSweeper;
  /** Moves paper marks and fills from an exchange's public prices (MARKET_DATA_EXCHANGE); its timer runs with processing. */
  readonly paperPrices: PaperPriceFeed;
  /** Fetches what closed for the candle feeds from MARKET_DATA_EXCHANGE; its timer runs with processing. */
  readonly candleFetcher: CandleFetcher;
  /** Configured exchange accounts (credential variable names only), their venue status, and credential lookup. */
  readonly liveAccounts: LiveAccounts;
  /** The exchange accounts' venues (none unless exchange accounts are configured). */
  readonly liveVenues: LiveVenues;
  /** The candle store: CSV import and reads. */
  readonly marketData: MarketDataContext;
  /** Backtest submissions and reads; the jobs start and stop with `processing`. */
  readonly backtests: BacktestContext;
  /** Counters and gauges for GET /metrics; the core gets its parts through its contexts. */
  readonly metrics: Metrics;
  /** Notification sinks, the notifier the core writes events with, and the dispatcher (started with `processing`). */
  readonly notifications: NotificationsContext;
  /** Releases what the container opened besides the database (Redis). */
  readonly closeExtras: () => Promise<void>;
};

export type ContainerOverrides = Partial<Pick<Services, "logger" | "database" | "clock" | "ids">> & {
  /**
   * Where exchange credentials are read when the venue needs them (main.ts passes the process
   * environment): only the variable names are copied anywhere.
   */
  secretEnv?: Readonly<Record<string, string | undefined>>;
  /** The PostgreSQL URL backtest workers read candles with, for a database passed in `database`. */
  candleSourceUrl?: string;
  /** Tests that only look at account configuration pass NO_LIVE_VENUES: no exchange is contacted. */
  liveVenues?: LiveVenues;
  /** The backtest worker thread's entry; tests pass one that holds a run still until it is stopped. */
  backtestWorkerUrl?: URL;
  /** Default: Prometheus metrics over this container's database. NO_METRICS counts nothing. */
  metrics?: Metrics;
};

/** The composition root. Tests pass overrides (a captured logger, a cloned database, a fake clock). */
export async function buildContainer(config: Config, overrides: ContainerOverrides = {}): Promise<Services> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const migrations = loadMigrations();
  const database =
    overrides.database ??
    (await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DATABASE_POOL_MAX }));
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL) : undefined;
  const metrics =
    overrides.metrics ??
    createPrometheusMetrics({
      query: database.query,
      clock,
      logger,
      // PGlite is one embedded connection; postgres.js exposes only the size it was configured with.
      pool: database.kind === "postgres" ? { driver: "postgres", maxConnections: config.DATABASE_POOL_MAX } : { driver: "pglite", maxConnections: 1 },
    });
  // Sink URLs, tokens and secrets stay in the environment, read at each send.
  const notifications = createNotifications({
    database,
    clock,
    logger,
    sinks: config.notificationSinks,
    env: overrides.secretEnv ?? {},
    pollMs: config.NOTIFICATION_DISPATCH_MS,
    timeoutMs: config.NOTIFICATION_TIMEOUT_MS,
    maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS,
    retryBaseMs: config.NOTIFICATION_RETRY_BASE_MS,
  });
  const notifier = notifications.notifier;
  const guard = createAbuseGuard({
    limits: {
      perAddressPerMinute: config.WEBHOOK_RATE_LIMIT_PER_ADDRESS,
      perTokenPerMinute: config.WEBHOOK_RATE_LIMIT_PER_TOKEN,
      authFailuresBeforeLockout: config.AUTH_FAILURE_LOCKOUT_THRESHOLD,
      lockoutWindowSeconds: config.AUTH_FAILURE_WINDOW_SECONDS,
      lockoutSeconds: config.AUTH_LOCKOUT_SECONDS,
    },
    ...(redis ? { redis } : {}),
    onError: (err, operation) => logger.warn({ err, operation }, "rate limiter store failed; admitting requests"),
  });
  const venue = {
    db: database.db,
    clock,
    ids,
    matching: {
      slippageBps: config.PAPER_SLIPPAGE_BPS,
      makerFeeBps: config.PAPER_MAKER_FEE_BPS,
      takerFeeBps: config.PAPER_TAKER_FEE_BPS,
      ...(config.PAPER_PARTIAL_FILL_RATIO ? { partialFillRatio: config.PAPER_PARTIAL_FILL_RATIO } : {}),
    },
    metrics: metrics.trading,
    notifier,
  };
  const liveAccounts = withVenueNotifications(createLiveAccounts({ accounts: config.exchangeAccounts, clock, env: overrides.secretEnv ?? {} }), notifier, clock);
  // ccxt is loaded only when exchange accounts are configured.
  const liveVenues =
    overrides.liveVenues ??
    (liveAccounts.accounts.length > 0
      ? (await import("./execution/live/live-venues.js")).createLiveVenues({
          liveAccounts,
          db: database.db,
          clock,
          ids,
          logger,
          timeoutMs: config.EXCHANGE_TIMEOUT_MS,
          recvWindowMs: config.EXCHANGE_RECV_WINDOW_MS,
          reconcileEveryMs: config.EXCHANGE_RECONCILE_MS,
          protectionEveryMs: config.EXCHANGE_PROTECTION_POLL_MS,
          deadManMs: config.EXCHANGE_DEAD_MAN_MS,
          stopLimitOffsetBps: config.EXCHANGE_STOP_LIMIT_OFFSET_BPS,
          venueCalls: metrics.venueCalls,
          metrics: metrics.trading,
          notifier,
        })
      : NO_LIVE_VENUES);
  // Like the venues, the exchange accounts' fallback is loaded only when there are exchange accounts.
  const liveSweep = liveAccounts.accounts.length > 0 ? (await import("./execution/limit-fallback/live-sweep.js")).sweepLiveLimits : undefined;
  const limitFallback = createLimitFallbackSweeper({
    ctx: { ...venue, logger },
    intervalMs: config.LIMIT_FALLBACK_SWEEP_MS,
    live: liveSweep && (() => liveSweep({ db: database.db, clock, ids, logger, notifier }, liveVenues)),
  });
  // Like the venues, ccxt is loaded for public market data only when an exchange is configured.
  const source = config.MARKET_DATA_EXCHANGE
    ? (await import("./market-data/market-data-source.js")).marketDataSource({
        exchange: config.MARKET_DATA_EXCHANGE,
        apiBaseUrl: config.MARKET_DATA_API_URL,
        timeoutMs: config.EXCHANGE_TIMEOUT_MS,
      })
    : undefined;
  const paperPrices = createPaperPriceFeed({
    ctx: { ...venue, logger },
    exchange: source?.exchange,
    intervalMs: config.PAPER_PRICE_POLL_MS,
    lastPrices: source?.lastPrices,
    metrics: metrics.marketData,
  });
  const marketData: MarketDataContext = { db: database.db, feeds: { clock, ids, logger, wakeWorkers: () => processing.wake() } };
  const candleFetcher = createCandleFetcher({
    source,
    ctx: { marketData, clock, logger, notifier, metrics: metrics.marketData },
    intervalMs: config.CANDLE_FEED_POLL_MS,
    pollMs: config.CANDLE_FEED_POLL_MS,
  });
  const backtestJobs = createBacktestJobs({
    database,
    clock,
    logger,
    instanceId: config.INSTANCE_ID,
    concurrency: config.BACKTEST_CONCURRENCY,
    timeoutSeconds: config.BACKTEST_TIMEOUT_SECONDS,
    notifier,
    ...(overrides.backtestWorkerUrl ? { workerUrl: overrides.backtestWorkerUrl } : {}),
    // A database the caller opened says nothing of its URL: the caller may name it (tests do).
    candleSourceUrl: overrides.candleSourceUrl ?? (database.kind === "postgres" && !overrides.database ? config.DATABASE_URL : undefined),
  });
  const signalProcessing = createSignalProcessing({
    handler: (claimed, complete) => handleSignal({ ...venue, logger, liveVenues }, claimed, complete),
    beforeStart: async () => {
      await ensurePaperAccount(database.db, { id: PAPER_ACCOUNT_ID, startingCash: config.PAPER_STARTING_CASH, clock });
      await registerExchangeAccounts(database.db, config.exchangeAccounts, clock);
      await liveVenues.start();
    },
    database,
    clock,
    logger,
    instanceId: config.INSTANCE_ID,
    concurrency: config.SIGNAL_WORKERS,
    leaseMs: config.SIGNAL_CLAIM_TIMEOUT_MS,
    background: [limitFallback, paperPrices, candleFetcher],
  });
  // Backtest jobs start and stop with the signal workers: after migrations, and before the database closes.
  const processing: SignalProcessing = {
    start: async () => {
      await signalProcessing.start();
      await backtestJobs.start();
      notifications.dispatcher.start();
    },
    stop: async () => {
      await notifications.dispatcher.stop();
      await backtestJobs.stop();
      await signalProcessing.stop();
    },
    wake: (lanes) => signalProcessing.wake(lanes),
  };
  return {
    config,
    logger,
    database,
    clock,
    ids,
    migrations,
    auth: {
      db: database.db,
      clock,
      ids,
      envAdminKeyHash: config.API_KEY ? sha256Hex(config.API_KEY) : undefined,
    },
    readiness: { database, migrations },
    strategies: { db: database.db, clock, ids, publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}` },
    intake: {
      db: database.db,
      database,
      clock,
      ids,
      logger,
      guard,
      trustedProxies: trustedProxiesOf(config.TRUSTED_PROXIES),
      tradingViewAllowlist: config.TRADINGVIEW_IP_ALLOWLIST,
      dedupeWindowSeconds: config.DEDUPE_WINDOW_SECONDS,
      ledgerTimeoutMs: config.LEDGER_TIMEOUT_MS,
      webhookSecrets: webhookSecretsOf(config.SIGNAL_WEBHOOK_SECRETS),
      wakeWorkers: (lanes) => processing.wake(lanes),
      strategyCache: new StrategyTokenCache(),
      metrics: metrics.intake,
    },
    processing,
    tradingStates: { db: database.db, clock },
    trading: { ...venue, logger, liveAccounts, liveVenues, paperPriceFeed: paperPrices },
    limitFallback,
    paperPrices,
    liveAccounts,
    liveVenues,
    marketData,
    candleFetcher,
    backtests: {
      db: database.db,
      clock,
      ids,
      limits: { timeoutSeconds: config.BACKTEST_TIMEOUT_SECONDS, maxCandles: config.BACKTEST_MAX_CANDLES, maxCandleRuns: config.RESEARCH_MAX_CANDLE_RUNS },
      jobs: backtestJobs,
    },
    metrics,
    notifications,
    closeExtras: async () => {
      await liveVenues.stop();
      await redis?.quit().catch(() => {});
    },
  };
}

// Config validation already checked these; a failure here is a bug, not an operator error.
function trustedProxiesOf(raw: string | undefined) {
  const parsed = parseTrustedProxies(raw);
  if (!parsed.ok) throw new Error("TRUSTED_PROXIES passed validation but did not parse");
  return parsed.proxies;
}

function webhookSecretsOf(raw: string | undefined) {
  if (!raw) return [];
  const parsed = parseWebhookSecrets(raw);
  if (!parsed.ok) throw new Error("SIGNAL_WEBHOOK_SECRETS passed validation but did not parse");
  return parsed.secrets;
}

/** Connects before serving, with a command timeout, so a hung Redis cannot stall webhooks. */
async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, commandTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on("error", () => {}); // reported through the guard's onError; ioredis would otherwise print
  await redis.connect();
  return redis;
}
