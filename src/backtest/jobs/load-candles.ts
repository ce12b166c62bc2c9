import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Database } from "../../db/client.js";
import { candleNumbersPage } from "../../db/repositories/backtest-inputs-repository.js";
import type { SeriesArrays } from "./worker-protocol.js";

// Small pages: parsing one is a stretch of main-thread work, and webhooks wait behind it (about 5 ms here).
export const CANDLE_PAGE_SIZE = 5_000;

const FIELDS = ["time", "open", "high", "low", "close", "volume"] as const;
type Field = (typeof FIELDS)[number];
type Columns = Record<Field, Float64Array>;

/**
 * Reads one symbol's candles in [from, to] into typed arrays, a page per query, yielding to the
 * event loop between pages so webhooks are answered while a large range loads. `signal` stops it
 * between pages (a cancel or the timeout).
 */
export async function loadCandleSeries(
  database: Pick<Database, "query">,
  input: { symbol: string; timeframe: string; from: number; to: number; pageSize?: number; signal?: AbortSignal },
): Promise<SeriesArrays> {
  const pageSize = input.pageSize ?? CANDLE_PAGE_SIZE;
  const pages: Columns[] = [];
  let from = input.from;
  for (;;) {
    input.signal?.throwIfAborted();
    const rows = await candleNumbersPage(database, { symbol: input.symbol, timeframe: input.timeframe, from, to: input.to, limit: pageSize });
    if (rows.length > 0) {
      const page = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(rows.length)])) as Columns;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        page.time[i] = r.t;
        page.open[i] = r.o;
        page.high[i] = r.h;
        page.low[i] = r.l;
        page.close[i] = r.c;
        page.volume[i] = r.v;
      }
      pages.push(page);
    }
    if (rows.length < pageSize) break;
    from = rows[rows.length - 1]!.t + 1;
    await yieldToEventLoop();
  }
  return { symbol: input.symbol, ...concat(pages) };
}

function concat(pages: readonly Columns[]): Columns {
  const length = pages.reduce((n, p) => n + p.time.length, 0);
  const out = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(length)])) as Columns;
  let offset = 0;
  for (const page of pages) {
    for (const f of FIELDS) out[f].set(page[f], offset);
    offset += page.time.length;
  }
  return out;
}

/**
 * Every symbol's candles over a stored spec's range, in its symbols' order. `missing`: a symbol has
 * none left in the range (removed after the job, `what`, was queued); it was checked at submission.
 */
export async function loadSpecSeries(
  database: Pick<Database, "query">,
  spec: { readonly symbols: readonly string[]; readonly timeframe: string; readonly from: number; readonly to: number },
  signal: AbortSignal,
  what: string,
): Promise<SeriesArrays[] | { missing: string }> {
  const series: SeriesArrays[] = [];
  for (const symbol of spec.symbols) {
    const loaded = await loadCandleSeries(database, { symbol, timeframe: spec.timeframe, from: spec.from, to: spec.to, signal });
    if (loaded.time.length === 0) {
      const range = `${new Date(spec.from).toISOString()} to ${new Date(spec.to).toISOString()}`;
      return { missing: `no ${spec.timeframe} candles for ${symbol} from ${range} (removed after the ${what} was queued)` };
    }
    series.push(loaded);
  }
  return series;
}
