import { min, plain, type Dec } from "../../domain/decimal.js";
import { fitQuantity } from "../../domain/market.js";
import type { OrderSide } from "../../domain/order.js";
import { limitText } from "../limits.js";
import { marketLimitName } from "../sizing.js";
import { deny, pass, resize, type CheckResult } from "./check.js";
import type { UsableMarket } from "./market-check.js";
import { shrinks } from "./position-effect.js";

/**
 * A reduce-only order may only shrink a position: larger than the position, it is cut to the
 * position (closing is what it asked for); flat or on the same side, there is nothing to reduce.
 * Both the strategy's and the account's position bound it, so one strategy cannot close another's.
 */
export function checkReduceOnly(input: { side: OrderSide; quantity: Dec; strategyPosition: Dec; accountPosition: Dec }): CheckResult {
  const { side, quantity, strategyPosition, accountPosition } = input;
  for (const [name, position] of [["strategyPosition", strategyPosition], ["accountPosition", accountPosition]] as const) {
    if (!shrinks(position, side, position.abs())) {
      const what = position.isZero() ? "is flat" : `is on the ${side} side already`;
      return deny("REDUCE_ONLY_WOULD_INCREASE", limitText(name, plain(position)), `reduce-only ${side} but the ${name === "strategyPosition" ? "strategy's" : "account's"} position ${what}`);
    }
  }
  const reducible = min(strategyPosition.abs(), accountPosition.abs());
  if (quantity.lte(reducible)) return pass(`reduce-only ${plain(quantity)} within the position ${plain(reducible)}`);
  return resize(reducible, "REDUCE_ONLY_WOULD_INCREASE", limitText("position", plain(reducible)), `reduce-only ${plain(quantity)} cut to the position ${plain(reducible)}`);
}

/**
 * The market's own rules at the price the venue will check: truncated to the amount step (a resize
 * with QUANTITY_OFF_STEP), denied outside the amount and cost limits. Above the market's maximum is
 * a denial, not a resize: an order that far out is a mistake, not a slightly large order.
 */
export function checkMarketQuantity(market: UsableMarket, quantity: Dec, orderPrice: Dec): CheckResult {
  const fit = fitQuantity(market.rules, quantity, orderPrice);
  if (!fit.ok) return deny(fit.reason, limitText(marketLimitName(fit.reason), fit.limit), `${plain(quantity)} at ${plain(orderPrice)} breaks the market's ${marketLimitName(fit.reason)}`);
  if (!fit.truncated) return pass(`${plain(quantity)} fits the market`);
  return resize(fit.quantity, "QUANTITY_OFF_STEP", limitText("amountStep", market.amountStep.toFixed()), `${plain(quantity)} truncated to ${plain(fit.quantity)}`);
}
