import type { Db } from "../../db/client.js";
import { hasCandlesIn } from "../../db/repositories/backtest-inputs-repository.js";
import type { MarketRules } from "../../domain/market.js";
import { paperMarket } from "../../execution/paper/paper-markets.js";
import { ApiError, type FieldError } from "../../http/errors.js";

/** The checks a backtest and a parameter search make on their symbols and range before they are queued. */

const isoDate = (ms: number) => new Date(ms).toISOString();

/** Every backtest trades on the paper venue's markets, whatever the strategy's mode: 422 UNKNOWN_MARKET otherwise. */
export function paperMarketsOf(symbols: readonly string[]): MarketRules[] {
  const markets = symbols.map((symbol) => paperMarket(symbol));
  const unknown = symbols.filter((_, i) => !markets[i]);
  if (unknown.length > 0) {
    const errors: FieldError[] = symbols.flatMap((symbol, i) => (markets[i] ? [] : [{ path: `symbols.${i}`, message: `${symbol} has no market rules on the paper venue` }]));
    throw new ApiError("UNKNOWN_MARKET", `backtests run on the paper venue's markets, which do not include ${unknown.join(", ")}`, { errors });
  }
  return markets.filter((m): m is MarketRules => m !== undefined);
}

/** A symbol with no candle at all in the range cannot be backtested (422 CANDLES_MISSING); gaps inside the range are the data's. */
export async function checkCandlesIn(db: Db, input: { symbols: readonly string[]; timeframe: string; from: number; to: number }): Promise<void> {
  const range = { from: new Date(input.from), to: new Date(input.to) };
  const errors: FieldError[] = [];
  for (const [i, symbol] of input.symbols.entries()) {
    if (await hasCandlesIn(db, { symbol, timeframe: input.timeframe, ...range })) continue;
    errors.push({ path: `symbols.${i}`, message: `no ${input.timeframe} candles for ${symbol} from ${isoDate(input.from)} to ${isoDate(input.to)}` });
  }
  if (errors.length > 0) {
    throw new ApiError("CANDLES_MISSING", `${errors.map((m) => m.message).join("; ")}: import them with POST /v1/candles/import`, { errors });
  }
}
