import type { Dec } from "../../domain/decimal.js";
import type { OrderSide } from "../../domain/order.js";
import { deny, pass, type CheckResult } from "./check.js";
import type { UsableMarket } from "./market-check.js";

const NOT_SPOT = pass("not a spot market: positions may be short");
const A_BUY = pass("a buy: it sells nothing");

/**
 * A spot account sells only what it holds: an exchange refuses a sell beyond the free balance, and a
 * short on a spot market is a position no venue would have let it open. So a sell must leave the
 * strategy's position and the account's, net of the account's working sells in the symbol (each may
 * still take its unfilled rest), at zero or above. Denied rather than cut to the holdings: a sell of
 * 1 meant as 1 is not a sell of 0.4.
 */
export function checkSpotHoldings(input: {
  readonly market: UsableMarket;
  readonly side: OrderSide;
  readonly quantity: Dec;
  readonly strategyPosition: Dec;
  readonly accountPosition: Dec;
  /** Unfilled quantity of the account's working sells (not reduce-only) in the symbol. */
  readonly restingSells: Dec;
}): CheckResult {
  if (input.market.rules.kind !== "spot") return NOT_SPOT;
  if (input.side === "buy") return A_BUY;
  const free = input.accountPosition.sub(input.restingSells);
  const held = input.strategyPosition.lt(free) ? input.strategyPosition : free;
  const shown = held.isNeg() ? "0" : held.toFixed();
  if (input.quantity.lte(held)) return pass(`sells ${input.quantity.toFixed()} of the ${shown} held free`);
  const promised = input.restingSells.isZero() ? "" : ` (the account holds ${input.accountPosition.toFixed()}, working sells may take ${input.restingSells.toFixed()})`;
  const detail = `a spot sell of ${input.quantity.toFixed()} is more than the ${shown} the strategy and account hold free${promised}; spot cannot go short`;
  return deny("SPOT_SELL_EXCEEDS_HOLDINGS", `held=${shown}`, detail);
}
