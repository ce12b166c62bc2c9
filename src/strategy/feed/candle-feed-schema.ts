import { z } from "@hono/zod-openapi";
import { TIMEFRAMES } from "../../market-data/timeframes.js";
import { BuiltinStrategySpecSchema } from "../builtin/registry.js";

const UNIFIED_SYMBOL = /^[A-Z0-9.]+\/[A-Z0-9.]+(:[A-Z0-9.]+)?$/;
const SYMBOLS_ERROR = "symbols must list 1 to 10 ccxt unified symbols";

/**
 * A built-in strategy run live on stored candles: every candle of `timeframe` imported for one of
 * `symbols` that has closed is fed to it, and what it says becomes a signal of this strategy.
 */
export const CandleFeedSchema = z
  .strictObject({
    strategy: BuiltinStrategySpecSchema,
    timeframe: z.enum(TIMEFRAMES, { error: `timeframe must be one of ${TIMEFRAMES.join(", ")}` }),
    symbols: z
      .array(z.string().regex(UNIFIED_SYMBOL, { error: "must be a ccxt unified symbol such as BTC/USDT" }), { error: SYMBOLS_ERROR })
      .min(1, { error: SYMBOLS_ERROR })
      .max(10, { error: SYMBOLS_ERROR })
      .refine((symbols) => new Set(symbols).size === symbols.length, { error: "symbols must not repeat" }),
  })
  .openapi("CandleFeed", {
    description:
      "A built-in strategy fed the closed candles of `timeframe` imported for `symbols` (by any import path). Its " +
      "signals are this strategy's, deduplicated per candle and processed like any other, beside what its webhook " +
      "receives. null: no feed.",
    example: { strategy: { type: "rsi", params: { period: 14 } }, timeframe: "1h", symbols: ["BTC/USDT"] },
  });

export type CandleFeed = z.infer<typeof CandleFeedSchema>;
export type CandleFeedInput = z.input<typeof CandleFeedSchema>;
