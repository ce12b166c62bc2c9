import type { MarketDataContext } from "./context.js";
import type { Candle } from "./csv-parser.js";
import { addPage, CandleFetchError, emptyStats, fetchCandlePages, type FetchCandlesInput, type FetchStats } from "./fetch-candles.js";
import { importCandles } from "./import-candles.js";
import type { QualityReport } from "./quality-report.js";

export type ExchangeImport = {
  /** The CSV import's report; its line numbers count the candles kept, in the order they arrived. */
  readonly report: QualityReport;
  readonly fetch: FetchStats;
  /** Set when a page failed for good: the report covers what came before it, which is stored. */
  readonly error: CandleFetchError | null;
};

/**
 * Fetches a range from an exchange and stores it through the CSV importer, page by page as the pages
 * arrive, so the candles pass the same checks (alignment, positive prices, OHLC consistency,
 * repeats) and the same quality report comes out. Only a CandleFetchError is caught.
 */
export async function importExchangeCandles({
  ctx,
  input,
}: {
  ctx: MarketDataContext;
  input: FetchCandlesInput & { batchSize?: number };
}): Promise<ExchangeImport> {
  const fetch = emptyStats();
  const failed: { error: CandleFetchError | null } = { error: null };
  async function* csv(): AsyncGenerator<string> {
    try {
      for await (const page of fetchCandlePages(input)) {
        addPage(fetch, page);
        if (page.candles.length > 0) yield page.candles.map(csvLine).join("");
      }
    } catch (err) {
      if (!(err instanceof CandleFetchError)) throw err;
      failed.error = err;
    }
  }
  const report = await importCandles({
    ctx,
    input: { symbol: input.symbol, timeframe: input.timeframe, source: csv(), ...(input.batchSize ? { batchSize: input.batchSize } : {}) },
  });
  return { report, fetch, error: failed.error };
}

const csvLine = (c: Candle) => `${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume}\n`;
