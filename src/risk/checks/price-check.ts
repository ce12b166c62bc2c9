import { bps, type Dec } from "../../domain/decimal.js";
import { isValidPrice } from "../../domain/market.js";
import { limitText, type RiskLimits } from "../limits.js";
import type { NormalizedOrder } from "./normalize.js";
import { deny, pass, type CheckResult } from "./check.js";
import type { UsableMarket } from "./market-check.js";

/**
 * Prices are never rounded to the tick (unlike quantities they have no safe direction): an
 * off-tick price is denied. The collar applies to limit orders only; a stop price sits away from
 * the market by design.
 */
export function checkPrices(order: NormalizedOrder, market: UsableMarket, referencePrice: Dec, limits: RiskLimits): CheckResult {
  for (const [name, price] of [["limit", order.limitPrice], ["stop", order.stopPrice]] as const) {
    if (price !== null && !isValidPrice(market.rules, price)) {
      return deny("PRICE_OFF_TICK", limitText("priceStep", market.priceStep.toFixed()), `${name} price ${price.toFixed()} is not a positive multiple of ${market.priceStep.toFixed()}`);
    }
  }
  if (order.kind !== "limit" || order.limitPrice === null || limits.priceCollarBps === null) return pass("prices on tick");
  const distance = order.limitPrice.sub(referencePrice).abs();
  const allowed = referencePrice.mul(bps(limits.priceCollarBps));
  const distanceBps = distance.div(referencePrice).mul(10_000).toDecimalPlaces(2).toFixed();
  if (distance.gt(allowed)) {
    return deny("PRICE_COLLAR", limitText("priceCollarBps", limits.priceCollarBps), `limit ${order.limitPrice.toFixed()} is ${distanceBps} bps from reference ${referencePrice.toFixed()}`);
  }
  return pass(`prices on tick; limit ${distanceBps} bps from reference`);
}
