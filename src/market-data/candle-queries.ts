import { listCandleRows } from "../db/repositories/candles-repository.js";
import type { CandleRow } from "../db/schema/candles.js";
import type { MarketDataContext } from "./context.js";
import type { Timeframe } from "./timeframes.js";

export type CandleListInput = {
  symbol: string;
  timeframe: Timeframe;
  /** Open times in ms, both inclusive. */
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
};

export type CandlePage = { rows: CandleRow[]; nextFrom: number | null };

/**
 * Oldest first. `nextFrom` is the open time just after the page's last candle when more may follow:
 * passing it as `from` reads the next page, so the time range doubles as the cursor.
 */
export async function listCandles({ ctx, input }: { ctx: MarketDataContext; input: CandleListInput }): Promise<CandlePage> {
  const rows = await listCandleRows(ctx.db, {
    symbol: input.symbol,
    timeframe: input.timeframe,
    ...(input.from !== undefined ? { from: new Date(input.from) } : {}),
    ...(input.to !== undefined ? { to: new Date(input.to) } : {}),
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return { rows: page, nextFrom: rows.length > input.limit && last ? last.openTime.getTime() + 1 : null };
}
