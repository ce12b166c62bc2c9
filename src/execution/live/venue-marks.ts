import { recordObservedPrice } from "../../db/repositories/market-prices-repository.js";
import type { Db } from "../../db/client.js";
import { rawQuery } from "../../db/raw-query.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { CcxtVenue } from "./ccxt-venue.js";

/**
 * The exchange's last price of every symbol the account holds (its open `positions`), recorded as its mark. Marks come
 * from signals otherwise, and a position in a symbol no signal has named for days would be valued,
 * and its fall measured against the daily loss limit, at a days-old price. Run with each
 * reconciliation pass; a price the exchange does not give now leaves the mark as it was.
 */
export async function refreshMarks(
  ctx: { db: Db; clock: Clock; logger: Logger },
  venue: CcxtVenue,
  accountId: string,
  positions: readonly { symbol: string }[],
): Promise<number> {
  const symbols = [...new Set(positions.map((p) => p.symbol))];
  let recorded = 0;
  for (const symbol of symbols) {
    const last = await venue.fetchLastPrice(symbol);
    if (!last.ok || last.value === undefined) {
      ctx.logger.warn({ accountId, symbol, reason: last.ok ? "no last price" : last.error.reason }, "mark not refreshed from the exchange");
      continue;
    }
    await recordObservedPrice(rawQuery(ctx.db), { symbol, price: last.value, source: "venue", observedAt: ctx.clock.now() });
    recorded++;
  }
  return recorded;
}
