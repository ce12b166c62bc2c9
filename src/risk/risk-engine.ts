import { Dec, plain } from "../domain/decimal.js";
import type { CheckResult } from "./checks/check.js";
import { checkDailyLoss, dailyLossStateChange, type DailyLossInput } from "./checks/daily-loss-check.js";
import { checkMaxGrossExposure, checkMaxOpenPositions, checkResizingCaps, type ExposureInput } from "./checks/exposure-checks.js";
import { checkMarket, type UsableMarket } from "./checks/market-check.js";
import { normalize, type NormalizedContext, type NormalizedOrder } from "./checks/normalize.js";
import { reducesPosition } from "./checks/position-effect.js";
import { checkPrices } from "./checks/price-check.js";
import { checkMarketQuantity, checkReduceOnly } from "./checks/quantity-check.js";
import { checkOrderRate } from "./checks/rate-check.js";
import { checkSpotCash } from "./checks/spot-cash-check.js";
import { checkSpotHoldings } from "./checks/spot-holdings-check.js";
import { checkReferencePrice } from "./checks/reference-price-check.js";
import { checkTradingState } from "./checks/trading-state-check.js";
import type { ReasonCode } from "./reason-codes.js";
import type { ApprovedOrder, OrderRequest, RiskCheck, RiskContext, RiskDecision, RiskRule, StateChange } from "./types.js";

/**
 * The pre-trade risk engine (nautilus_trader's RiskEngine): one pure function from an order request,
 * a context snapshot and the injected time to a decision. Rules run in a fixed order and the first
 * denial ends the run:
 *   input → trading state → market → reference price → prices (tick, collar) → reduce-only →
 *   quantity fit (truncate) → spot holdings → exposure caps (skipped for reducing orders) → order rate → daily loss.
 * A denial is data, never an exception; even a bug inside a rule comes back as RISK_ENGINE_ERROR.
 */
export function evaluateOrder(request: OrderRequest, context: RiskContext, now: Date): RiskDecision {
  try {
    return evaluate(request, context, now);
  } catch (error) {
    const detail = `the risk engine failed (${error instanceof Error ? error.name : "unknown error"}); the order is denied`;
    return { outcome: "denied", reason: "RISK_ENGINE_ERROR", limit: null, order: null, checks: [{ rule: "input", passed: false, reason: "RISK_ENGINE_ERROR", detail }] };
  }
}

const RESIZING_RULES = ["maxOrderNotional", "maxPosition", "maxLeverage"] as const;
const SKIPPED: CheckResult = Object.freeze({ kind: "pass", detail: "the order reduces the position: exposure caps do not apply" });

/** The highest of the reference, limit and stop prices: what no price known for the order can exceed. */
function highest(reference: Dec, limitPrice: Dec | null, stopPrice: Dec | null): Dec {
  let top = reference;
  if (limitPrice !== null && limitPrice.gt(top)) top = limitPrice;
  if (stopPrice !== null && stopPrice.gt(top)) top = stopPrice;
  return top;
}

class Run {
  readonly checks: RiskCheck[] = [];
  quantity: Dec;
  lastResize: { reason: ReasonCode; limit: string } | null = null;
  denial: { reason: ReasonCode; limit: string | null } | null = null;

  constructor(quantity: Dec) {
    this.quantity = quantity;
  }

  /** Records a rule's result; false when it denied and the run must stop. */
  apply(rule: RiskRule, result: CheckResult): boolean {
    if (result.kind === "deny") {
      this.checks.push({ rule, passed: false, reason: result.reason, detail: result.detail });
      this.denial = { reason: result.reason, limit: result.limit };
      return false;
    }
    if (result.kind === "resize") {
      this.quantity = result.quantity;
      this.lastResize = { reason: result.reason, limit: result.limit };
    }
    this.checks.push({ rule, passed: true, reason: result.kind === "resize" ? result.reason : null, detail: result.detail });
    return true;
  }
}

/** What the exposure rules judge: the order at the quantity the rules before them left. */
function exposureInput(order: NormalizedOrder, ctx: NormalizedContext, market: UsableMarket, quantity: Dec, valuationPrice: Dec, orderPrice: Dec): ExposureInput {
  return {
    strategyPosition: ctx.strategyPosition,
    accountPosition: ctx.accountPosition,
    side: order.side,
    quantity,
    market,
    valuationPrice,
    orderPrice,
    otherGrossNotional: ctx.otherGrossNotional,
    openPositions: ctx.openPositions,
    equity: ctx.equity,
    limits: ctx.limits,
  };
}

/** The decision once a rule has denied (functions here, not closures: one per order would cost more than it reads). */
function stopped(run: Run, stateChange: StateChange | undefined): RiskDecision {
  return denied(run.checks, run.denial?.reason ?? "RISK_ENGINE_ERROR", run.denial?.limit ?? null, stateChange);
}

function denied(checks: readonly RiskCheck[], reason: ReasonCode, limit: string | null, stateChange: StateChange | undefined): RiskDecision {
  const decision: RiskDecision = { outcome: "denied", reason, limit, order: null, checks };
  return stateChange === undefined ? decision : { ...decision, stateChange };
}

function evaluate(request: OrderRequest, context: RiskContext, now: Date): RiskDecision {
  const input = normalize(request, context, now);
  if (!input.ok) return denied([{ rule: "input", passed: false, reason: input.reason, detail: input.detail }], input.reason, null, undefined);
  const { order, context: ctx } = input;

  const daily: DailyLossInput = { dailyPnl: ctx.dailyPnl, dailyPnlSince: ctx.dailyPnlSince, startOfDayEquity: ctx.startOfDayEquity, now: input.now, limits: ctx.limits };
  // The daily loss state change is a fact about the account, not this order: report it whichever rule decides.
  const stateChange = dailyLossStateChange(daily, ctx.states);
  const run = new Run(order.quantity);

  run.checks.push({ rule: "input", passed: true, reason: null, detail: "order and context readable" });
  const position = { strategyPosition: ctx.strategyPosition, accountPosition: ctx.accountPosition };
  const reduces = reducesPosition({ ...position, side: order.side, quantity: order.quantity, reduceOnly: order.reduceOnly });
  if (!run.apply("tradingState", checkTradingState(ctx.states, reduces))) return stopped(run, stateChange);

  const marketCheck = checkMarket(ctx.market, order.symbol);
  const market = marketCheck.market;
  if (!run.apply("market", marketCheck.result) || market === null) return stopped(run, stateChange);
  const reference = order.referencePrice;
  if (!run.apply("referencePrice", checkReferencePrice(reference, order.referencePriceAt, input.now, ctx.limits)) || reference === null) return stopped(run, stateChange);
  if (!run.apply("price", checkPrices(order, market, reference, ctx.limits))) return stopped(run, stateChange);

  const reduceOnly = order.reduceOnly ? checkReduceOnly({ ...position, side: order.side, quantity: run.quantity }) : ({ kind: "pass", detail: "not reduce-only" } as const);
  if (!run.apply("reduceOnly", reduceOnly)) return stopped(run, stateChange);
  const orderPrice = order.kind === "market" ? reference : (order.limitPrice ?? order.stopPrice ?? reference);
  if (!run.apply("quantity", checkMarketQuantity(market, run.quantity, orderPrice))) return stopped(run, stateChange);

  const holdings = checkSpotHoldings({ market, side: order.side, quantity: run.quantity, ...position, restingSells: ctx.restingSells });
  if (!run.apply("spotHoldings", holdings)) return stopped(run, stateChange);

  const valuationPrice = highest(reference, order.limitPrice, order.stopPrice);
  if (reduces) {
    for (const rule of RESIZING_RULES) if (!run.apply(rule, SKIPPED)) return stopped(run, stateChange);
  } else {
    for (const [rule, result] of checkResizingCaps(exposureInput(order, ctx, market, run.quantity, valuationPrice, orderPrice))) if (!run.apply(rule, result)) return stopped(run, stateChange);
  }
  // The account-wide caps judge the quantity the resizing caps left.
  if (!run.apply("maxOpenPositions", reduces ? SKIPPED : checkMaxOpenPositions(exposureInput(order, ctx, market, run.quantity, valuationPrice, orderPrice)))) return stopped(run, stateChange);
  if (!run.apply("maxGrossExposure", reduces ? SKIPPED : checkMaxGrossExposure(exposureInput(order, ctx, market, run.quantity, valuationPrice, orderPrice)))) return stopped(run, stateChange);
  // After the caps, so the cash judges the quantity they left.
  const cash = checkSpotCash({ market, side: order.side, quantity: run.quantity, referencePrice: reference, orderPrice, limitPrice: order.limitPrice, stopPrice: order.stopPrice, cash: ctx.cash, costs: ctx.buyCosts });
  if (!run.apply("spotCash", cash)) return stopped(run, stateChange);

  if (!run.apply("orderRate", checkOrderRate(ctx.recentOrderTimes, input.now, ctx.limits))) return stopped(run, stateChange);
  if (!run.apply("dailyLoss", checkDailyLoss(daily, reduces))) return stopped(run, stateChange);

  const decision: RiskDecision = {
    outcome: run.lastResize === null ? "approved" : "resized",
    reason: run.lastResize?.reason ?? null,
    limit: run.lastResize?.limit ?? null,
    order: approvedOrder(order, run.quantity),
    checks: run.checks,
  };
  return stateChange === undefined ? decision : { ...decision, stateChange };
}

/** Plain JSON values only, and no undefined fields, so the stored decision reads back identical. */
function approvedOrder(order: NormalizedOrder, quantity: Dec): ApprovedOrder {
  return {
    accountId: order.accountId,
    strategyId: order.strategyId,
    symbol: order.symbol,
    side: order.side,
    kind: order.kind,
    quantity: plain(quantity),
    ...(order.limitPrice === null ? {} : { limitPrice: plain(order.limitPrice) }),
    ...(order.stopPrice === null ? {} : { stopPrice: plain(order.stopPrice) }),
    reduceOnly: order.reduceOnly,
    ...(order.referencePrice === null ? {} : { referencePrice: plain(order.referencePrice) }),
    ...(order.referencePriceAt === null ? {} : { referencePriceAt: new Date(order.referencePriceAt).toISOString() }),
  };
}
