import { Dec, dec, plain, truncateToStep, ZERO } from "../../domain/decimal.js";
import { fitQuantity } from "../../domain/market.js";
import type { OrderSide } from "../../domain/order.js";
import { limitText, type RiskLimits } from "../limits.js";
import type { ReasonCode } from "../reason-codes.js";
import { divDown } from "../values.js";
import { deny, pass, resize, type CheckResult } from "./check.js";
import type { UsableMarket } from "./market-check.js";
import { positionAfter, sideSign } from "./position-effect.js";

/**
 * Exposure caps, for orders that do not reduce the position. Caps on this order and this symbol
 * (maxOrderNotional, maxPosition*, maxLeverage) resize the order down to the largest quantity on
 * the amount step that fits; account-wide caps (maxOpenPositions, maxGrossExposure*) deny. The order's
 * symbol is valued at the highest of its reference, limit and stop prices, so no price the engine
 * knows of for this order can make it worth more than the caps allow.
 */
export type ExposureInput = {
  readonly side: OrderSide;
  readonly quantity: Dec;
  readonly market: UsableMarket;
  readonly valuationPrice: Dec;
  /** The price the venue checks the market's cost limits at. */
  readonly orderPrice: Dec;
  readonly strategyPosition: Dec;
  readonly accountPosition: Dec;
  readonly otherGrossNotional: Dec;
  readonly openPositions: number;
  readonly equity: Dec;
  readonly limits: RiskLimits;
};

type Cap = { readonly limit: string; readonly scope: string; readonly capQuantity: Dec; readonly position: Dec };

/** A notional amount as a quantity in order units at the valuation price, rounded down. */
function quantityFor(x: ExposureInput, notional: Dec): Dec {
  return divDown(notional, x.market.contractSize.mul(x.valuationPrice));
}

/**
 * |position + side × q| ≤ cap holds for q in [lower, upper]. Above upper the order is cut to upper,
 * truncated to the step. Below lower (a position over the cap on the other side that the order only
 * partly unwinds) no smaller order helps. `floor` is the largest lower bound of the caps already
 * applied: a cut below it would break one of them again, so it is a denial too.
 */
function underCap(x: ExposureInput, quantity: Dec, floor: Dec, cap: Cap, reason: ReasonCode): { result: CheckResult; lower: Dec } {
  const signed = cap.position.mul(sideSign(x.side));
  const lower = cap.capQuantity.neg().sub(signed);
  const upper = cap.capQuantity.sub(signed);
  const what = `${cap.scope} position ${plain(cap.position)} → ${plain(positionAfter(cap.position, x.side, quantity))}`;
  if (quantity.lt(lower)) return { lower, result: deny(reason, cap.limit, `${what} stays over the cap`) };
  if (quantity.lte(upper)) return { lower, result: pass(`${what} within ${cap.limit}`) };
  const cut = truncateToStep(upper, x.market.amountStep);
  if (cut.lte(0) || cut.lt(lower) || cut.lt(floor)) return { lower, result: deny(reason, cap.limit, `${what} exceeds the cap and no smaller order fits every cap`) };
  const fit = fitQuantity(x.market.rules, cut, x.orderPrice);
  if (!fit.ok) return { lower, result: deny(reason, cap.limit, `cutting ${plain(quantity)} to ${plain(cut)} for ${cap.limit} breaks the market's ${fit.reason}`) };
  return { lower, result: resize(cut, reason, cap.limit, `${plain(quantity)} cut to ${plain(cut)}: ${what}`) };
}

/** One rule's caps, applied one after another to what the previous left; the last cut names the limit. */
function underCaps(x: ExposureInput, start: { quantity: Dec; floor: Dec }, caps: readonly Cap[], reason: ReasonCode): { result: CheckResult; floor: Dec } {
  let { quantity, floor } = start;
  let lastLimit: string | null = null;
  const details: string[] = [];
  for (const cap of caps) {
    const { result, lower } = underCap(x, quantity, floor, cap, reason);
    if (result.kind === "deny") return { result, floor };
    if (result.kind === "resize") {
      quantity = result.quantity;
      lastLimit = result.limit;
    }
    floor = Dec.max(floor, lower);
    details.push(result.detail);
  }
  if (caps.length === 0) return { result: pass("off"), floor };
  if (lastLimit === null) return { result: pass(details.join("; ")), floor };
  return { result: resize(quantity, reason, lastLimit, `${plain(start.quantity)} cut to ${plain(quantity)}; ${details.join("; ")}`), floor };
}

function orderNotionalCaps(x: ExposureInput): Cap[] {
  const max = x.limits.maxOrderNotional;
  // An order is a position of its own size starting from flat: the same arithmetic applies.
  return max === null ? [] : [{ limit: limitText("maxOrderNotional", max), scope: "order", capQuantity: quantityFor(x, dec(max)), position: ZERO }];
}

function positionCaps(x: ExposureInput): Cap[] {
  const caps: Cap[] = [];
  const { maxPositionNotionalPerSymbol: notional, maxPositionQuantityPerSymbol: quantity } = x.limits;
  // One quotient serves both scopes: it depends on the cap and the price, not on whose position it bounds.
  const notionalQuantity = notional !== null ? quantityFor(x, dec(notional)) : undefined;
  for (const [scope, position] of [["strategy", x.strategyPosition], ["account", x.accountPosition]] as const) {
    if (notional !== null && notionalQuantity !== undefined) caps.push({ limit: limitText("maxPositionNotionalPerSymbol", notional), scope, capQuantity: notionalQuantity, position });
    if (quantity !== null) caps.push({ limit: limitText("maxPositionQuantityPerSymbol", quantity), scope, capQuantity: dec(quantity), position });
  }
  return caps;
}

function leverageCaps(x: ExposureInput): Cap[] {
  const max = x.limits.maxLeverage;
  return max === null ? [] : [{ limit: limitText("maxLeverage", max), scope: "account", capQuantity: quantityFor(x, x.equity.mul(max)), position: x.accountPosition }];
}

export type ResizingRule = "maxOrderNotional" | "maxPosition" | "maxLeverage";

/**
 * The caps that resize, in order, each seeing the quantity the previous one left. They are evaluated
 * together because a later cut must not undo an earlier cap: cutting a buy that unwinds a short can
 * leave that short over its cap, which the threaded floor catches. Stops at the first denial.
 */
export function checkResizingCaps(x: ExposureInput): Array<[ResizingRule, CheckResult]> {
  const rules: Array<[ResizingRule, ReasonCode, Cap[]]> = [
    ["maxOrderNotional", "MAX_ORDER_NOTIONAL", orderNotionalCaps(x)],
    ["maxPosition", "MAX_POSITION", positionCaps(x)],
    ["maxLeverage", "MAX_LEVERAGE", []],
  ];
  const results: Array<[ResizingRule, CheckResult]> = [];
  let state = { quantity: x.quantity, floor: ZERO };
  for (const [rule, reason, ruleCaps] of rules) {
    let caps = ruleCaps;
    if (rule === "maxLeverage" && x.limits.maxLeverage !== null) {
      if (x.equity.lte(0)) {
        results.push([rule, deny("EQUITY_NOT_POSITIVE", limitText("maxLeverage", x.limits.maxLeverage), `equity ${plain(x.equity)}: no leverage is measurable`)]);
        return results;
      }
      caps = leverageCaps(x);
    }
    const { result, floor } = underCaps(x, state, caps, reason);
    results.push([rule, caps.length === 0 ? pass(`${rule} off`) : result]);
    if (result.kind === "deny") return results;
    state = { quantity: result.kind === "resize" ? result.quantity : state.quantity, floor };
  }
  return results;
}

export function checkMaxOpenPositions(x: ExposureInput): CheckResult {
  const max = x.limits.maxOpenPositions;
  if (max === null) return pass("maxOpenPositions off");
  if (!x.accountPosition.isZero()) return pass("adds to a position already open");
  if (x.openPositions + 1 > max) return deny("MAX_OPEN_POSITIONS", limitText("maxOpenPositions", max), `${x.openPositions} positions open; this order would open another`);
  return pass(`opens position ${x.openPositions + 1} of ${max}`);
}

export function checkMaxGrossExposure(x: ExposureInput): CheckResult {
  const { maxGrossExposureMultiple: multiple, maxGrossExposureNotional: notional } = x.limits;
  const after = positionAfter(x.accountPosition, x.side, x.quantity).abs().mul(x.market.contractSize).mul(x.valuationPrice).add(x.otherGrossNotional);
  if (multiple !== null) {
    const limit = limitText("maxGrossExposureMultiple", multiple);
    if (x.equity.lte(0)) return deny("EQUITY_NOT_POSITIVE", limit, `equity ${plain(x.equity)}: no exposure multiple is measurable`);
    const cap = x.equity.mul(multiple);
    if (after.gt(cap)) return deny("MAX_GROSS_EXPOSURE", limit, `gross exposure would be ${plain(after)}, above ${plain(cap)}`);
  }
  if (notional !== null && after.gt(notional)) {
    return deny("MAX_GROSS_EXPOSURE", limitText("maxGrossExposureNotional", notional), `gross exposure would be ${plain(after)}, above ${notional}`);
  }
  return pass(`gross exposure would be ${plain(after)}`);
}
