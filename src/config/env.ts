import { hostname } from "node:os";
import { z } from "zod";
import { hasValidPortParameter, parseablePostgresUrl } from "../db/postgres-url.js";
import { parseTrustedProxies } from "../ingest/source-address.js";
import { parseWebhookSecrets } from "../ingest/standard-webhooks.js";
import { ccxtExchangeIds, loadExchangeAccounts, type ExchangeAccountConfig } from "./exchange-accounts.js";
import { loadNotificationSinks, type NotificationSinkConfig } from "../notifications/sinks-config.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export const NODE_ENVS = ["development", "production", "test"] as const;

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be an integer from ${min} to ${max}` })
    .int({ error: `must be an integer from ${min} to ${max}` })
    .min(min, { error: `must be an integer from ${min} to ${max}` })
    .max(max, { error: `must be an integer from ${min} to ${max}` });

/** Empty strings in a .env file mean "unset", as they do for most twelve-factor tools. */
const optionalString = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: "must be true or false" })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const decimalText = z.string().regex(/^(?:0|[1-9]\d*)(?:\.\d+)?$/, { error: "must be a non-negative decimal number" });

const databaseUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(parseablePostgresUrl(v)), {
    error: "must be a postgres:// or postgresql:// URL",
  })
  .refine((v) => !URL.canParse(parseablePostgresUrl(v)) || hasValidPortParameter(v), { error: "its port parameter must be a TCP port (1–65535)" });

/**
 * The whole process environment, parsed once in main.ts. Nothing below main.ts reads process.env;
 * each later capability adds its variables here and to .env.example.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(NODE_ENVS, { error: `must be one of ${NODE_ENVS.join(", ")}` }).default("development"),
  HOST: z.string().min(1, { error: "must not be empty" }).default("0.0.0.0"),
  PORT: integer(1, 65535).default(3000),
  DATABASE_URL: optionalString(databaseUrl),
  DATABASE_POOL_MAX: integer(1, 1000).default(10),
  DATA_DIR: z.string().min(1, { error: "must not be empty" }).default("./data"),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  API_KEY: optionalString(
    z.string().min(32, { error: "must be at least 32 characters (generate one with: openssl rand -hex 32)" }),
  ),
  /** Unset: GET /metrics is open (like the health routes); set: it needs `Authorization: Bearer <token>`. */
  METRICS_TOKEN: optionalString(
    z.string().regex(/^[\x21-\x7e]{16,512}$/, { error: "must be 16–512 printable characters without spaces (openssl rand -hex 32)" }),
  ),
  BODY_LIMIT_BYTES: integer(1024, 64 * 1024 * 1024).default(64 * 1024),
  // POST /v1/candles/import only: the CSV is streamed, so this bounds the upload, not memory.
  CANDLE_IMPORT_BODY_LIMIT_BYTES: integer(1024, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(10_000),
  PUBLIC_URL: optionalString(
    z.string().refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), { error: "must be an http:// or https:// URL" }),
  ),
  REDIS_URL: optionalString(
    z.string().refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), { error: "must be a redis:// or rediss:// URL" }),
  ),
  SIGNAL_WEBHOOK_SECRETS: optionalString(
    z.string().superRefine((v, ctx) => {
      const parsed = parseWebhookSecrets(v);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
    }),
  ),
  DEDUPE_WINDOW_SECONDS: integer(60, 7 * 24 * 3600).default(60),
  /**
   * How long an incoming signal waits for the database (its strategy, its commit) before it is
   * answered 503. TradingView gives up on a webhook after 3 s: a 503 after that reaches nobody.
   */
  LEDGER_TIMEOUT_MS: integer(100, 60_000).default(2000),
  TRADINGVIEW_IP_ALLOWLIST: flag.default(false),
  TRUSTED_PROXIES: optionalString(
    z.string().superRefine((v, ctx) => {
      const parsed = parseTrustedProxies(v);
      // The entries are addresses, not secrets, so naming them helps the operator.
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: `not an IP address or CIDR: ${parsed.bad.join(", ")}` });
    }),
  ),
  WEBHOOK_RATE_LIMIT_PER_ADDRESS: integer(0, 1_000_000).default(600),
  WEBHOOK_RATE_LIMIT_PER_TOKEN: integer(0, 1_000_000).default(120),
  AUTH_FAILURE_LOCKOUT_THRESHOLD: integer(0, 10_000).default(20),
  AUTH_FAILURE_WINDOW_SECONDS: integer(1, 86_400).default(600),
  AUTH_LOCKOUT_SECONDS: integer(1, 86_400).default(900),
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "1–64 characters: letters, digits, '.', '_' and '-'" })
    .default(hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 64) || "gateway"),
  SIGNAL_WORKERS: integer(1, 64).default(4),
  SIGNAL_CLAIM_TIMEOUT_MS: integer(1000, 3_600_000).default(60_000),
  /** How often resting signal limits are checked against their strategy's limitFallback; 0: never on this instance. */
  LIMIT_FALLBACK_SWEEP_MS: integer(0, 3_600_000).default(1000),
  EXCHANGE_TIMEOUT_MS: integer(1000, 120_000).default(10_000),
  EXCHANGE_RECV_WINDOW_MS: integer(1000, 60_000).default(5000),
  EXCHANGE_RECONCILE_MS: integer(0, 3_600_000).default(30_000),
  EXCHANGE_PROTECTION_POLL_MS: integer(0, 60_000).default(1000),
  EXCHANGE_DEAD_MAN_MS: integer(0, 600_000).default(60_000),
  /** How far past its trigger a native stop-limit's limit price lies, in basis points: room for a fast market to fill it. */
  EXCHANGE_STOP_LIMIT_OFFSET_BPS: decimalText.default("50"),
  PAPER_STARTING_CASH: decimalText.default("10000"),
  PAPER_SLIPPAGE_BPS: decimalText.default("5"),
  PAPER_MAKER_FEE_BPS: decimalText.default("10"),
  PAPER_TAKER_FEE_BPS: decimalText.default("10"),
  PAPER_PARTIAL_FILL_RATIO: optionalString(
    z.string().refine((v) => /^(0?\.\d*[1-9]\d*|1(\.0*)?)$/.test(v), { error: "must be a decimal in (0, 1]" }),
  ),
  /**
   * Public market data: a ccxt exchange whose last prices become the marks of the symbols paper
   * accounts hold or rest orders in (and fill the resting orders they cross), and whose candles feed
   * the strategies' candle feeds. Unset: prices come from signals, candles from imports.
   */
  MARKET_DATA_EXCHANGE: optionalString(
    z.string().refine((v) => ccxtExchangeIds().has(v), { error: "must be a ccxt exchange id (binance, bybit, okx…)" }),
  ),
  /** Replaces the origin of the market data exchange's API URLs (a proxy, a regional endpoint, a test exchange). */
  MARKET_DATA_API_URL: optionalString(
    z
      .string()
      .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), { error: "must be an http:// or https:// URL" })
      // Exchange errors quote the URL they failed on, and those reach the log.
      .refine((v) => !URL.canParse(v) || (new URL(v).username === "" && new URL(v).password === ""), { error: "must not carry a user or password" }),
  ),
  /** How often the candle fetcher fetches what closed for the candle feeds; 0: not on this instance. */
  CANDLE_FEED_POLL_MS: integer(0, 86_400_000)
    .refine((v) => v === 0 || v >= 1000, { error: "must be 0 (off) or at least 1000" })
    .default(60_000),
  /** How often the feed asks for prices; 0: not on this instance. */
  PAPER_PRICE_POLL_MS: integer(0, 3_600_000)
    .refine((v) => v === 0 || v >= 250, { error: "must be 0 (off) or at least 250" })
    .default(5000),
  /** Backtests run at once on this instance, each in a worker thread; 0: this instance only queues them. */
  BACKTEST_CONCURRENCY: integer(0, 16).default(1),
  /** The longest a backtest may run; a request may ask for less. pg-boss caps a job below 24 hours. */
  BACKTEST_TIMEOUT_SECONDS: integer(1, 43_200).default(1800),
  /** Candles one backtest may span (symbols × bars in the range), so one request cannot exhaust memory. */
  BACKTEST_MAX_CANDLES: integer(1, 100_000_000).default(5_000_000),
  RESEARCH_MAX_CANDLE_RUNS: integer(1, 100_000_000_000).default(200_000_000),
  /** Promotion thresholds (src/strategy/lifecycle/thresholds.ts): backtest and paper profit factor; 0 turns the check off. */
  PROMOTION_MIN_PROFIT_FACTOR: decimalText.default("1.2"),
  /** Closed trades the backtest, and to go live the paper results, must each hold. */
  PROMOTION_MIN_TRADES: integer(0, 1_000_000).default(30),
  /** Days a strategy must have been in paper before it goes live. */
  PROMOTION_MIN_PAPER_DAYS: integer(0, 3650).default(14),
  /** Live exchange accounts as inline JSON; parsed with the rest by parseConfig (src/config/exchange-accounts.ts). */
  EXCHANGE_ACCOUNTS: optionalString(z.string()),
  /** Or the path of a file holding the same JSON. */
  EXCHANGE_ACCOUNTS_FILE: optionalString(z.string()),
  /** Notification sinks as inline JSON (src/notifications/sinks-config.ts), or the path of a file holding it. */
  NOTIFICATION_SINKS: optionalString(z.string()),
  NOTIFICATION_SINKS_FILE: optionalString(z.string()),
  /** How often this instance looks for notifications to send; 0: it sends none (another instance does). */
  NOTIFICATION_DISPATCH_MS: integer(0, 60_000).default(1000),
  NOTIFICATION_TIMEOUT_MS: integer(100, 60_000).default(5000),
  NOTIFICATION_MAX_ATTEMPTS: integer(1, 50).default(8),
  /** The wait after a notification's first failed attempt; it doubles with each later one, up to an hour. */
  NOTIFICATION_RETRY_BASE_MS: integer(100, 3_600_000).default(30_000),
});

export type Config = z.infer<typeof envSchema> & {
  /** Parsed from EXCHANGE_ACCOUNTS or EXCHANGE_ACCOUNTS_FILE: names of credential variables only, never values. */
  readonly exchangeAccounts: readonly ExchangeAccountConfig[];
  /** Parsed from NOTIFICATION_SINKS or NOTIFICATION_SINKS_FILE: names of secret variables only, never values. */
  readonly notificationSinks: readonly NotificationSinkConfig[];
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Parses an environment. Errors are one line per bad variable and never repeat its value. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const known = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k]]));
  const result = envSchema.safeParse(known);
  const errors = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  // Checked even when other variables are bad, so one run reports every problem.
  const live = loadExchangeAccounts({ inline: env.EXCHANGE_ACCOUNTS || undefined, file: env.EXCHANGE_ACCOUNTS_FILE || undefined, env });
  if (!live.ok) errors.push(...live.errors);
  const sinks = loadNotificationSinks({ inline: env.NOTIFICATION_SINKS || undefined, file: env.NOTIFICATION_SINKS_FILE || undefined, env });
  if (!sinks.ok) errors.push(...sinks.errors);
  // Each signal worker holds a pool connection for its signal's transaction: with no connection left
  // over, webhooks would wait behind them. (PGlite has one connection and serializes everything.)
  if (result.success && result.data.DATABASE_URL && result.data.SIGNAL_WORKERS >= result.data.DATABASE_POOL_MAX) {
    errors.push(`SIGNAL_WORKERS: must be less than DATABASE_POOL_MAX (${result.data.DATABASE_POOL_MAX}), so intake always has a connection`);
  }
  if (errors.length > 0 || !result.success || !live.ok || !sinks.ok) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, config: { ...result.data, exchangeAccounts: live.accounts, notificationSinks: sinks.sinks } };
}
