import { Dec, truncateToStep, ZERO } from "../../domain/decimal.js";
import type { OrderSide } from "../../domain/order.js";
import { fitQuantity } from "../../domain/market.js";
import { divDown } from "../values.js";
import { deny, pass, resize, type CheckResult } from "./check.js";
import type { UsableMarket } from "./market-check.js";

const NOT_SPOT = pass("not a spot market: margin is bounded by the leverage and exposure caps");
const A_SELL = pass("a sell: it pays nothing");
const NO_LEDGER = pass("no cash ledger given: not checked");
const BPS = new Dec(10_000);

/** The account's cash and what its working spot buys may still spend; see RiskContext.cash. */
export type SpotCash = { readonly currency: string; readonly amount: Dec; readonly restingBuys: Dec };

/** What a buy pays on top of its notional at the venue, in basis points; see RiskContext.buyCosts. */
export type BuyCosts = { readonly feeBps: Dec; readonly slippageBps: Dec };

/**
 * A spot account buys only with the cash it has: an exchange refuses a buy beyond the free quote
 * balance, and a paper account that let cash go negative would report returns no venue would give.
 * The buy must fit in the account's cash less what its working spot buys may still spend, fees
 * included: a market buy at the reference price moved by the venue's slippage, a limit buy at its
 * limit. A buy over it is cut to the largest quantity on the amount step that fits, as the exposure
 * caps cut theirs: "all of my equity" sized before the fee must not turn into no order at all. When
 * no quantity the market allows fits, it is denied. A market quoted in another currency than the
 * account's is denied too: the ledger holds no such cash.
 */
export function checkSpotCash(input: {
  readonly market: UsableMarket;
  readonly side: OrderSide;
  readonly quantity: Dec;
  readonly referencePrice: Dec;
  /** The price the venue checks the market's cost limits at (as the quantity rule does). */
  readonly orderPrice: Dec;
  readonly limitPrice: Dec | null;
  readonly stopPrice: Dec | null;
  readonly cash: SpotCash | null;
  readonly costs: BuyCosts;
}): CheckResult {
  const rules = input.market.rules;
  if (rules.kind !== "spot") return NOT_SPOT;
  if (input.side === "sell") return A_SELL;
  const cash = input.cash;
  if (cash === null) return NO_LEDGER;
  if (rules.quote !== cash.currency) {
    return deny("SPOT_QUOTE_NOT_ACCOUNT_CURRENCY", `currency=${cash.currency}`, `${rules.symbol} is paid in ${rules.quote}; the account holds ${cash.currency}`);
  }
  const price = buyPrice(input);
  const feeFactor = Dec.max(input.costs.feeBps, ZERO).div(BPS).add(1);
  const cost = input.quantity.mul(input.market.contractSize).mul(price).mul(feeFactor);
  const free = cash.amount.sub(cash.restingBuys.mul(feeFactor));
  const shown = free.isNeg() ? "0" : free.toFixed();
  if (cost.lte(free)) return pass(`costs ${cost.toFixed()} ${cash.currency} of the ${shown} free`);
  const promised = cash.restingBuys.isZero() ? "" : ` (cash ${cash.amount.toFixed()}, working buys may spend ${cash.restingBuys.toFixed()} before fees)`;
  const over = `a spot buy of ${input.quantity.toFixed()} costing ${cost.toFixed()} ${cash.currency} with fees is more than the ${shown} free${promised}`;
  const unitCost = input.market.contractSize.mul(price).mul(feeFactor);
  const cut = free.lte(0) ? ZERO : truncateToStep(divDown(free, unitCost), input.market.amountStep);
  const fit = cut.gt(0) ? fitQuantity(rules, cut, input.orderPrice) : undefined;
  if (!fit?.ok) return deny("SPOT_BUY_EXCEEDS_CASH", `cash=${shown}`, `${over}, and no quantity the market allows fits`);
  return resize(fit.quantity, "SPOT_BUY_EXCEEDS_CASH", `cash=${shown}`, `${over}: cut to ${fit.quantity.toFixed()}`);
}

/** The most the buy can fill at: its limit when it has one; otherwise its trigger or the reference, whichever is higher, moved by the slippage. */
function buyPrice(input: { referencePrice: Dec; limitPrice: Dec | null; stopPrice: Dec | null; costs: BuyCosts }): Dec {
  if (input.limitPrice !== null) return input.limitPrice;
  const trigger = input.stopPrice !== null && input.stopPrice.gt(input.referencePrice) ? input.stopPrice : input.referencePrice;
  return trigger.mul(input.costs.slippageBps.div(BPS).add(1));
}
