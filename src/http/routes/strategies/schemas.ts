import { z } from "@hono/zod-openapi";
import { StrategyConfigSchema, strategyConfigPatchShape, STRATEGY_CONFIG_KEYS, type StrategyConfigPatch } from "../../../domain/strategy-config.js";
import { STRATEGY_STAGES } from "../../../strategy/lifecycle/stages.js";

const UNIFIED_SYMBOL = /^[A-Z0-9.]+\/[A-Z0-9.]+(:[A-Z0-9.]+)?$/;

export const StrategyStageSchema = z.enum(STRATEGY_STAGES).openapi({
  description:
    "candidate: signals recorded, not traded (mode disabled). paper: trades on a paper account. live: trades on an " +
    "exchange account. retired: signals recorded, not traded; final. Changed with POST /v1/strategies/{id}/stage.",
  example: "paper",
});

export const StrategySchema = z
  .object({
    id: z.string().openapi({ example: "stg_8c1Zp2YqS0Hh3kWm" }),
    key: z.string().openapi({ example: "btc-trend" }),
    name: z.string().openapi({ example: "BTC trend follower" }),
    enabled: z.boolean(),
    allowedSymbols: z.array(z.string()).openapi({ description: "ccxt unified symbols; empty allows any.", example: ["BTC/USDT"] }),
    stage: StrategyStageSchema,
    passphraseRequired: z.boolean().openapi({ description: "Whether TradingView alerts must carry the passphrase." }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .extend(StrategyConfigSchema.shape)
  .extend({
    candleFeedProgress: z
      .array(
        z.object({
          symbol: z.string().openapi({ example: "BTC/USDT" }),
          timeframe: z.string().openapi({ example: "1h" }),
          fedThrough: z.iso.datetime().nullable().openapi({ description: "Open time of the last candle the feed has passed (fed, or skipped as too old); null before its first." }),
          newestCandle: z.iso.datetime().nullable().openapi({ description: "Open time of the newest candle stored for the symbol and timeframe; null when none is." }),
        }),
      )
      .optional()
      .openapi({
        description:
          "GET /v1/strategies/{id} of a strategy with a candle feed: how far the feed has got in each symbol. A `newestCandle` " +
          "that stops moving means no candles arrive; a `fedThrough` behind it means they are not fed.",
      }),
  })
  .openapi("Strategy");

/** Splits a flat request body into the strategy's own fields and its trading configuration. */
export function splitConfig<T extends Record<string, unknown>>(body: T): { fields: Record<string, unknown>; config: StrategyConfigPatch } {
  const fields: Record<string, unknown> = {};
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((STRATEGY_CONFIG_KEYS as string[]).includes(key)) config[key] = value;
    else fields[key] = value;
  }
  return { fields, config: config as StrategyConfigPatch };
}

const SymbolList = z
  .array(z.string().regex(UNIFIED_SYMBOL, { error: "must be a ccxt unified symbol such as BTC/USDT or BTC/USDT:USDT" }))
  .max(200);

export const CreateStrategyBodySchema = z
  .object({
    key: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, { error: "2–63 characters: lowercase letters, digits, '-' and '_'" })
      .openapi({ example: "btc-trend" }),
    name: z.string().trim().min(1).max(200).openapi({ example: "BTC trend follower" }),
    enabled: z.boolean().default(true),
    allowedSymbols: SymbolList.default([]),
    passphrase: z.boolean().default(false).openapi({
      description: "Generate a passphrase that every TradingView alert body must carry (returned once).",
    }),
    stage: z.enum(["candidate", "paper"]).optional().openapi({
      description:
        "candidate: record alerts without trading until promoted (mode disabled). Absent: the stage the mode implies " +
        "(paper by default, live with mode live).",
    }),
  })
  .extend(strategyConfigPatchShape)
  .strict()
  .openapi("CreateStrategyRequest");

export const UpdateStrategyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
    allowedSymbols: SymbolList.optional(),
  })
  .extend(strategyConfigPatchShape)
  .strict()
  .refine((b) => Object.keys(b).length > 0, { error: "give at least one field to change" })
  .openapi("UpdateStrategyRequest");

export const WebhookUrlSchema = z.string().openapi({
  description: "The TradingView webhook URL. It embeds a secret token: shown only in this response; store it now.",
  example: "http://localhost:3000/webhooks/tradingview/3q2-1hXc0fFhJ5u7b0Ykq6T2nC9aQb4D2mW8xZr1sLk",
});

export const PassphraseSchema = z.string().openapi({
  description: "Put it in the alert body as \"passphrase\". Shown only in this response; store it now.",
});

export const CreatedStrategySchema = z
  .object({ strategy: StrategySchema, webhookUrl: WebhookUrlSchema, passphrase: PassphraseSchema.optional() })
  .openapi("CreatedStrategy");

export const RotatedWebhookSchema = z
  .object({ strategy: StrategySchema, webhookUrl: WebhookUrlSchema })
  .openapi("RotatedWebhookUrl");

export const RotatedPassphraseSchema = z
  .object({ strategy: StrategySchema, passphrase: PassphraseSchema.optional() })
  .openapi("RotatedPassphrase");

export const StrategyIdParamSchema = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "stg_8c1Zp2YqS0Hh3kWm" }),
});
