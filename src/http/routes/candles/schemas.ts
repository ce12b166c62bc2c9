import { z } from "@hono/zod-openapi";
import { TIMEFRAMES } from "../../../market-data/timeframes.js";
import { decimal, tradingListQueryShape } from "../orders/schemas.js";

export const SymbolQuery = tradingListQueryShape.symbol.unwrap().openapi({ description: "A ccxt unified symbol.", example: "BTC/USDT" });
export const TimeframeQuery = z.enum(TIMEFRAMES).openapi({ description: "The candle length.", example: "1h" });

const cappedList = <T extends z.ZodType>(item: T, description: string) =>
  z.object({
    count: z.number().int().openapi({ description: "How many there were in all." }),
    items: z.array(item).openapi({ description: "The first 20 of them." }),
    truncated: z.boolean().openapi({ description: "True when `items` stops short of `count`." }),
  }).openapi({ description });

const GapSchema = z.object({
  from: z.iso.datetime().openapi({ description: "Open time of the first missing candle." }),
  to: z.iso.datetime().openapi({ description: "Open time of the last missing candle." }),
  missingBars: z.number().int(),
});

export const CandleImportReportSchema = z
  .object({
    symbol: z.string().openapi({ example: "BTC/USDT" }),
    timeframe: TimeframeQuery,
    rowsRead: z.number().int().openapi({ description: "Data lines read (non-blank, after the header)." }),
    validRows: z.number().int().openapi({ description: "Distinct valid candles in the file." }),
    imported: z.number().int().openapi({ description: "Candles that were not stored before." }),
    updated: z.number().int().openapi({ description: "Stored candles whose values the file changed." }),
    alreadyStored: z.number().int().openapi({ description: "Candles already stored with the same values; a re-import is all of these." }),
    first: z.iso.datetime().nullable().openapi({ description: "Open time of the earliest valid candle." }),
    last: z.iso.datetime().nullable().openapi({ description: "Open time of the latest valid candle." }),
    duplicatesInFile: cappedList(
      z.object({ line: z.number().int(), firstLine: z.number().int(), openTime: z.iso.datetime(), identical: z.boolean() }),
      "Lines repeating an earlier line's open time: skipped, the first one is kept.",
    ),
    invalidRows: cappedList(
      z.object({ line: z.number().int(), reason: z.string() }),
      "Lines that are not a candle (columns, numbers, non-positive prices, negative volume, misaligned timestamp): skipped.",
    ),
    ohlcInconsistencies: cappedList(
      z.object({ line: z.number().int(), openTime: z.iso.datetime(), reason: z.string() }),
      "Candles whose high or low does not bound the open and close: skipped.",
    ),
    gaps: cappedList(GapSchema, "Runs of missing candles between the first and the last.").extend({
      missingBars: z.number().int().openapi({ description: "Missing candles in all gaps." }),
      largest: GapSchema.nullable(),
    }),
    outOfOrderRows: z.number().int().openapi({ description: "Valid lines earlier than a line before them (imported all the same)." }),
  })
  .openapi("CandleImportReport", { description: "The data quality report of one import." });

export const CandleSchema = z
  .object({
    openTime: z.iso.datetime().openapi({ description: "When the candle opens (UTC)." }),
    timestamp: z.number().int().openapi({ description: "The same instant in milliseconds since the epoch.", example: 1745971200000 }),
    open: decimal("Open price.", "94256.82"),
    high: decimal("High price.", "94631.23"),
    low: decimal("Low price.", "94136.48"),
    close: decimal("Close price.", "94546.79"),
    volume: decimal("Volume in the base asset.", "519.07237"),
  })
  .openapi("Candle");
