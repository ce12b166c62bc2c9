import { lockForOrder } from "../../db/repositories/order-snapshot-repository.js";
import { recordObservedPrice } from "../../db/repositories/market-prices-repository.js";
import { paperSymbolsInPlay } from "../../db/repositories/trading-repository.js";
import { rawQuery } from "../../db/raw-query.js";
import type { Logger } from "../../lib/logger.js";
import type { LastPriceSource } from "../../market-data/last-prices.js";
import { applyPriceEvent, type PaperVenueContext } from "./paper-venue.js";

/** What one pass did: symbols it asked prices for, marks it moved, fills it booked, symbols without a price (and why). */
export type MarketPricePass = {
  symbols: number;
  marked: number;
  fills: number;
  missing: number;
  unpriced: Array<{ symbol: string; reason: string; detail: string | null }>;
};

/**
 * One pass of the paper price feed: for every symbol in which a paper account has a resting order
 * or an open position, the exchange's last price becomes the mark (source `market`) and then fills
 * the resting orders it crosses, stop-losses and take-profits included, exactly as a signal's price
 * does. Without it a paper stop fired only when the next alert in its symbol came.
 *
 * Each symbol is its own transaction, taking its locks in the order a signal takes them (the price
 * row, the kill switch's shared lock, the symbol), so the two never deadlock. A price observed
 * before the symbol's current mark (a signal recorded meanwhile) moves nothing. A symbol the
 * exchange gives no price for keeps its mark and is listed in `unpriced`; the others go on.
 */
export async function applyMarketPrices(ctx: PaperVenueContext & { logger: Logger }, lastPrices: LastPriceSource): Promise<MarketPricePass> {
  const symbols = await paperSymbolsInPlay(rawQuery(ctx.db));
  const pass: MarketPricePass = { symbols: symbols.length, marked: 0, fills: 0, missing: 0, unpriced: [] };
  if (symbols.length === 0) return pass;
  const observedAt = ctx.clock.now();
  const prices = await lastPrices(symbols);
  for (const symbol of symbols) {
    const last = prices.get(symbol);
    if (!last?.ok) {
      pass.missing++;
      pass.unpriced.push({ symbol, reason: last?.reason ?? "NO_LAST_PRICE", detail: last?.detail ?? null });
      continue;
    }
    const fills = await ctx.db.transaction(async (tx) => {
      const query = rawQuery(tx);
      if (!(await recordObservedPrice(query, { symbol, price: last.price, source: "market", observedAt }))) return undefined;
      await lockForOrder(tx, query, symbol);
      return applyPriceEvent({ ...ctx, db: tx }, symbol, last.price);
    });
    if (fills === undefined) continue;
    pass.marked++;
    pass.fills += fills.length;
  }
  return pass;
}
