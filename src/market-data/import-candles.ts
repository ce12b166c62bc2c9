import { upsertCandles, type NewCandle } from "../db/repositories/candles-repository.js";
import { advanceCandleFeeds } from "../strategy/feed/advance-candle-feeds.js";
import { standaloneFeedServices } from "../strategy/feed/candle-feed-context.js";
import type { MarketDataContext } from "./context.js";
import { parseCandleCsv } from "./csv-parser.js";
import { QualityTracker, type QualityReport } from "./quality-report.js";
import type { Timeframe } from "./timeframes.js";

/** Rows per INSERT statement: 8 parameters each, far under PostgreSQL's 65,535 per statement. */
export const IMPORT_BATCH_SIZE = 1000;

export type ImportCandlesInput = {
  symbol: string;
  timeframe: Timeframe;
  source: AsyncIterable<Uint8Array | string>;
  batchSize?: number;
};

/**
 * Streams a candle CSV into the candles table in batches and reports on its quality. Invalid and
 * inconsistent rows are skipped and listed; a duplicate within the file keeps its first line. Each
 * batch commits on its own: re-running the same file is safe and imports nothing new. After each
 * batch, the strategies whose candle feed watches the symbol are fed what closed (they never throw:
 * the report is the import's alone). Throws CsvFormatError when the file is not a candle CSV at all.
 */
export async function importCandles({ ctx, input }: { ctx: MarketDataContext; input: ImportCandlesInput }): Promise<QualityReport> {
  const tracker = new QualityTracker(input.symbol, input.timeframe);
  const batchSize = input.batchSize ?? IMPORT_BATCH_SIZE;
  const stored = { imported: 0, updated: 0, alreadyStored: 0 };
  let batch: NewCandle[] = [];
  const feeds = { db: ctx.db, ...(ctx.feeds ?? standaloneFeedServices()) };
  const flush = async () => {
    if (batch.length === 0) return;
    const counts = await upsertCandles(ctx.db, batch);
    stored.imported += counts.inserted;
    stored.updated += counts.updated;
    stored.alreadyStored += counts.unchanged;
    batch = [];
    // Also when nothing was new: a candle stored before it closed, or a feed that failed, is fed now.
    await advanceCandleFeeds({ ctx: feeds, input: { symbol: input.symbol, timeframe: input.timeframe } });
  };
  for await (const row of parseCandleCsv(input.source, input.timeframe)) {
    if (row.kind === "invalid") tracker.invalidRow(row.line, row.reason);
    else if (row.kind === "inconsistent") tracker.inconsistentRow(row.line, row.openTime, row.reason);
    else {
      const { openTime, open, high, low, close, volume } = row.candle;
      if (!tracker.candle(row.line, openTime, [open, high, low, close, volume].join(","))) continue;
      batch.push({ symbol: input.symbol, timeframe: input.timeframe, openTime: new Date(openTime), open, high, low, close, volume });
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  return tracker.report(stored);
}
