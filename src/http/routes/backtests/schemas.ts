import { z } from "@hono/zod-openapi";
import { BACKTEST_ERROR_CODES, BACKTEST_STATUSES } from "../../../backtest/service/backtest-status.js";
import { EXIT_REASONS, FILL_MODELS } from "../../../backtest/types.js";
import { Dec } from "../../../domain/decimal.js";
import { DECIMAL } from "../../../domain/signal.js";
import { strategyConfigPatchShape } from "../../../domain/strategy-config.js";
import { TIMEFRAMES } from "../../../market-data/timeframes.js";
import { BuiltinStrategySpecSchema } from "../../../strategy/builtin/registry.js";
import { instantInput } from "../../instant-schema.js";
import { decimal, positiveDecimal, tradingListQueryShape } from "../orders/schemas.js";

const SIGNED_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

const instant = (description: string, example: string) =>
  instantInput().openapi({ description: `${description} Milliseconds since the epoch (number or string) or an ISO 8601 date-time; inclusive.`, example });

const bps = (description: string, options: { signed?: boolean; below?: number } = {}) =>
  z
    .string()
    .max(20)
    .refine((v) => (options.signed ? SIGNED_DECIMAL : DECIMAL).test(v), {
      error: options.signed ? "must be a decimal number, as a string" : "must be a decimal number of at least 0, as a string",
    })
    .refine((v) => options.below === undefined || !SIGNED_DECIMAL.test(v) || new Dec(v).lt(options.below), {
      error: `must be below ${options.below}`,
    })
    .openapi({ description: `${description} Basis points, as a string.` });

// A backtest always trades on the paper venue, driven by its own candles: the live-routing fields of a
// configuration and its candle feed mean nothing here, so they are refused rather than ignored.
const { mode: _mode, accountId: _accountId, candleFeed: _candleFeed, ...configShape } = strategyConfigPatchShape;

// A clone: the registry builds its schemas with plain zod, and only a schema built after
// @hono/zod-openapi's import has `.openapi()`, whatever order the process loaded them in.
export const BacktestStrategySchema = BuiltinStrategySpecSchema.clone().openapi("BuiltinStrategySpec", {
  description: "A built-in strategy and its parameters (omitted parameters take their defaults).",
  example: { type: "sma-cross", params: { fast: 10, slow: 30 } },
});

export const SubmitBacktestBodySchema = z
  .object({
    strategyId: z.string().min(1).max(64).optional().openapi({
      description: "A stored strategy: its configuration is the base that `config` overrides; required for `replay`.",
      example: "stg_8c1Zp2YqS0Hh3kWm",
    }),
    strategy: BacktestStrategySchema.optional(),
    replay: z.boolean().default(false).openapi({
      description: "Replay the signals `strategyId` recorded in the ledger in [from, to] (each at its received time) instead of running a built-in.",
    }),
    config: z.object(configShape).strict().optional().openapi({
      description: "Strategy configuration fields (sizing, stops, targets, position limits, risk limits) over the stored strategy's or the defaults.",
      example: { sizing: { type: "percent_equity", percent: "10" }, defaultStopLossPercent: "2" },
    }),
    symbols: z
      .array(tradingListQueryShape.symbol.unwrap())
      .min(1)
      .max(10)
      .refine((s) => new Set(s).size === s.length, { error: "must not repeat a symbol" })
      .openapi({ description: "1 to 10 ccxt unified symbols the paper venue lists.", example: ["BTC/USDT"] }),
    timeframe: z.enum(TIMEFRAMES).openapi({ example: "1h" }),
    from: instant("The first candle's open time.", "2025-01-01T00:00:00Z"),
    to: instant("The last candle's open time.", "2025-03-01T00:00:00Z"),
    startingCash: positiveDecimal("Cash in the quote currency at the start.", "10000").default("10000"),
    fees: z
      .object({ makerBps: bps("Maker fee; negative is a rebate.", { signed: true }), takerBps: bps("Taker fee.") })
      .strict()
      .optional()
      .openapi({ description: "Default: the dearest maker and taker fees among the symbols' markets." }),
    slippageBps: bps("Moves every taker fill against the taker.", { below: 10_000 }).default("0"),
    fillModel: z.enum(FILL_MODELS).default("next_open").openapi({
      description: "When a signal decided at a bar's close fills: `next_open` (the next bar's open) or `this_close` (this bar's close).",
    }),
    timeoutSeconds: z.number().int().min(1).optional().openapi({ description: "At most BACKTEST_TIMEOUT_SECONDS, which is also the default." }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.from >= body.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
    if (body.replay && !body.strategyId) ctx.addIssue({ code: "custom", path: ["strategyId"], message: "required for a replay" });
    if (body.replay && body.strategy) ctx.addIssue({ code: "custom", path: ["strategy"], message: "a replay runs the recorded signals: not with a built-in strategy" });
    if (!body.replay && !body.strategy) ctx.addIssue({ code: "custom", path: ["strategy"], message: "required unless replay is true" });
  })
  .openapi("SubmitBacktestRequest");

export const BacktestStatusSchema = z.enum(BACKTEST_STATUSES).openapi("BacktestStatus", {
  description: "queued → running → succeeded; or cancelled, failed, timed_out.",
});

/** The echoed request fields a backtest and a parameter search share (a search's runs are backtests), in this order. */
export const runRequestEchoShape = {
  config: z.record(z.string(), z.unknown()).openapi({ description: "The configuration fields the request gave." }),
  symbols: z.array(z.string()),
  timeframe: z.enum(TIMEFRAMES),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  startingCash: decimal("Starting cash."),
  fees: z.object({ makerBps: z.string(), takerBps: z.string() }),
  slippageBps: z.string(),
  fillModel: z.enum(FILL_MODELS),
  timeoutSeconds: z.number().int(),
};

const BacktestRequestEchoSchema = z
  .object({
    strategyId: z.string().nullable(),
    strategy: BacktestStrategySchema.nullable(),
    replay: z.boolean(),
    ...runRequestEchoShape,
  })
  .openapi("BacktestRequest", { description: "The submission as validated, every default resolved." });

/** What a job is, first in a backtest's and a parameter search's body. */
export const jobHeadShape = (example: string) => ({
  id: z.string().openapi({ example }),
  status: BacktestStatusSchema,
  strategyId: z.string().nullable(),
});

/** How a job ended and when, last in a backtest's and a parameter search's body: only their error codes differ. */
export const jobEndShape = (errorCodes: readonly [string, ...string[]]) => ({
  error: z
    .object({ code: z.enum(errorCodes).nullable(), message: z.string().nullable() })
    .nullable()
    .openapi({ description: "Why it failed or timed out; null otherwise." }),
  cancelRequested: z.boolean(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});

/** A job's id in the path. */
export const jobIdParamSchema = (example: string) =>
  z.object({
    id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example }),
  });

/** A job listing's filters and page, newest first. */
export const jobListQuerySchema = (strategyIdDescription: string) =>
  z.object({
    status: BacktestStatusSchema.optional(),
    strategyId: z.string().max(64).optional().openapi({ description: strategyIdDescription }),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional().openapi({ description: "`nextCursor` of the previous page." }),
  });

export const BacktestMetricsSchema = z
  .object({
    startingCash: z.number(),
    finalEquity: z.number(),
    totalReturn: z.number().openapi({ description: "(final − start) / start, as a fraction." }),
    cagr: z.number().nullable().openapi({ description: "Null when it is not finite (a short span compounds past what a number holds)." }),
    maxDrawdown: z.number().openapi({ description: "Largest peak-to-trough fall, as a positive fraction of the peak." }),
    maxDrawdownDurationMs: z.number(),
    sharpe: z.number().nullable(),
    sortino: z.number().nullable(),
    profitFactor: z.number().nullable(),
    winRate: z.number().nullable(),
    expectancy: z.number().nullable(),
    trades: z.number().int(),
    exposure: z.number().openapi({ description: "Fraction of bars with a position open." }),
    feesPaid: z.number(),
  })
  .openapi("BacktestMetrics", { description: "Performance figures, as floats: statistics, not bookkeeping." });

export const BacktestSchema = z
  .object({
    ...jobHeadShape("bt_V1StGXR8Z5jdHi6B"),
    progress: z.number().min(0).max(1).openapi({ description: "Share of the candles the engine has processed, 0 to 1." }),
    candlesProcessed: z.number().int(),
    candlesTotal: z.number().int().openapi({ description: "Known once the candles are loaded; 0 before." }),
    request: BacktestRequestEchoSchema,
    metrics: BacktestMetricsSchema.nullable(),
    summary: z
      .object({
        candles: z.number().int(),
        signals: z.number().int(),
        orders: z.number().int(),
        refusals: z.record(z.string(), z.number().int()).openapi({ description: "Risk denials and strategy no-ops by reason code." }),
      })
      .nullable(),
    tradesCount: z.number().int().nullable(),
    tradesHash: z.string().nullable().openapi({ description: "sha256 of the trade list: the same inputs give the same hash." }),
    ...jobEndShape(BACKTEST_ERROR_CODES),
  })
  .openapi("Backtest");

export const BacktestTradeSchema = z
  .object({
    seq: z.number().int().openapi({ description: "The trade's position in the backtest, from 0." }),
    symbol: z.string(),
    side: z.enum(["long", "short"]),
    quantity: decimal("The largest absolute quantity held, in order units."),
    entryTime: z.iso.datetime(),
    entryPrice: decimal("Average entry price."),
    exitTime: z.iso.datetime(),
    exitPrice: decimal("Average exit price."),
    realizedPnl: decimal("Gross of fees."),
    fees: decimal("Fees paid on entry and exit."),
    netPnl: decimal("realizedPnl − fees."),
    exitReason: z.enum(EXIT_REASONS),
    bars: z.number().int(),
  })
  .openapi("BacktestTrade");

export const BacktestIdParamSchema = jobIdParamSchema("bt_V1StGXR8Z5jdHi6B");
