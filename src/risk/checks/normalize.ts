import { Dec, ZERO } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import { ORDER_KINDS, ORDER_SIDES, type OrderKind, type OrderSide } from "../../domain/order.js";
import { RiskLimitsSchema, type RiskLimits } from "../limits.js";
import type { TradingStates } from "../trading-state.js";
import type { OrderRequest, PositionSnapshot, RiskContext } from "../types.js";
import { toDec, toEpochMs } from "../values.js";
import type { BuyCosts, SpotCash } from "./spot-cash-check.js";

/** The request with every value read once; a missing or unreadable reference price stays null for its own rule. */
export type NormalizedOrder = {
  readonly accountId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly kind: OrderKind;
  readonly quantity: Dec;
  readonly limitPrice: Dec | null;
  readonly stopPrice: Dec | null;
  readonly reduceOnly: boolean;
  readonly referencePrice: Dec | null;
  readonly referencePriceAt: number | null;
};

export type NormalizedContext = {
  readonly market: MarketRules | undefined;
  readonly states: TradingStates;
  /** Signed, in order units, in the order's symbol. */
  readonly strategyPosition: Dec;
  readonly accountPosition: Dec;
  /** The account's working sells in the symbol, unfilled quantity (not reduce-only). */
  readonly restingSells: Dec;
  /** The account's cash and its working spot buys' spend; null: not checked. */
  readonly cash: SpotCash | null;
  readonly buyCosts: BuyCosts;
  /** Σ |notional| of the account's positions in every other symbol, at their marks. */
  readonly otherGrossNotional: Dec;
  readonly openPositions: number;
  readonly equity: Dec;
  readonly dailyPnl: Dec;
  readonly dailyPnlSince: number;
  readonly startOfDayEquity: Dec;
  readonly recentOrderTimes: readonly number[];
  readonly limits: RiskLimits;
};

export type Normalized =
  | { readonly ok: true; readonly order: NormalizedOrder; readonly context: NormalizedContext; readonly now: number }
  | { readonly ok: false; readonly reason: "ORDER_INVALID" | "CONTEXT_INVALID"; readonly detail: string };

type Failure = Extract<Normalized, { ok: false }>;

const orderInvalid = (detail: string): Failure => ({ ok: false, reason: "ORDER_INVALID", detail });
const contextInvalid = (detail: string): Failure => ({ ok: false, reason: "CONTEXT_INVALID", detail });

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** An optional price: absent is fine, present but unreadable is not. */
function optionalPrice(value: unknown): Dec | null | undefined {
  if (value === undefined || value === null) return null;
  return toDec(value) ?? undefined;
}

export function normalizeOrder(request: OrderRequest): NormalizedOrder | Failure {
  if (typeof request !== "object" || request === null) return orderInvalid("the order request is not an object");
  if (!nonEmpty(request.accountId) || !nonEmpty(request.strategyId) || !nonEmpty(request.symbol)) return orderInvalid("accountId, strategyId and symbol are required");
  if (!ORDER_SIDES.includes(request.side)) return orderInvalid(`unknown side ${String(request.side)}`);
  if (!ORDER_KINDS.includes(request.kind)) return orderInvalid(`unknown order kind ${String(request.kind)}`);
  if (typeof request.reduceOnly !== "boolean") return orderInvalid("reduceOnly must be a boolean");
  const quantity = toDec(request.quantity);
  if (quantity === null || quantity.isNeg()) return orderInvalid(`quantity ${String(request.quantity)} is not a non-negative decimal`);
  const limitPrice = optionalPrice(request.limitPrice);
  const stopPrice = optionalPrice(request.stopPrice);
  if (limitPrice === undefined) return orderInvalid(`limitPrice ${String(request.limitPrice)} is not a decimal`);
  if (stopPrice === undefined) return orderInvalid(`stopPrice ${String(request.stopPrice)} is not a decimal`);
  // Each kind has exactly the prices it uses; a stray price means the caller meant another kind.
  if (request.kind === "market" && (limitPrice !== null || stopPrice !== null)) return orderInvalid("a market order carries no limit or stop price");
  if (request.kind === "limit" && (limitPrice === null || stopPrice !== null)) return orderInvalid("a limit order needs a limitPrice and no stopPrice");
  if (request.kind === "stop" && stopPrice === null) return orderInvalid("a stop order needs a stopPrice");
  return {
    accountId: request.accountId,
    strategyId: request.strategyId,
    symbol: request.symbol,
    side: request.side,
    kind: request.kind,
    quantity,
    limitPrice,
    stopPrice,
    reduceOnly: request.reduceOnly,
    referencePrice: toDec(request.referencePrice),
    referencePriceAt: toEpochMs(request.referencePriceAt),
  };
}

type ReadPosition = { readonly symbol: string; readonly quantity: Dec; readonly markPrice: Dec; readonly contractSize: Dec };

function readPositions(list: readonly PositionSnapshot[] | undefined, scope: string): ReadPosition[] | Failure {
  if (!Array.isArray(list)) return contextInvalid(`positions.${scope} is not a list`);
  const seen = new Set<string>();
  const read: ReadPosition[] = [];
  for (const p of list as readonly PositionSnapshot[]) {
    if (typeof p !== "object" || p === null || !nonEmpty(p.symbol)) return contextInvalid(`positions.${scope} holds an entry without a symbol`);
    // Two rows for one symbol means the snapshot is not netted; adding them up would be a guess.
    if (seen.has(p.symbol)) return contextInvalid(`positions.${scope} lists ${p.symbol} twice`);
    seen.add(p.symbol);
    const quantity = toDec(p.quantity);
    const markPrice = toDec(p.markPrice);
    const contractSize = toDec(p.contractSize);
    if (quantity === null || markPrice === null || markPrice.lte(0) || contractSize === null || contractSize.lte(0)) {
      return contextInvalid(`positions.${scope} ${p.symbol} needs a decimal quantity, a positive mark price and contract size`);
    }
    read.push({ symbol: p.symbol, quantity, markPrice, contractSize });
  }
  return read;
}

// A strategy's limits are one parsed object reused for every order: checked once per object.
const checkedLimits = new WeakMap<object, ReturnType<typeof RiskLimitsSchema.safeParse>>();

function parseLimits(limits: unknown): ReturnType<typeof RiskLimitsSchema.safeParse> {
  if (typeof limits !== "object" || limits === null) return RiskLimitsSchema.safeParse(limits);
  let parsed = checkedLimits.get(limits);
  if (parsed === undefined) {
    parsed = RiskLimitsSchema.safeParse(limits);
    checkedLimits.set(limits, parsed);
  }
  return parsed;
}

export function normalizeContext(context: RiskContext, symbol: string): NormalizedContext | Failure {
  if (typeof context !== "object" || context === null) return contextInvalid("the risk context is not an object");
  const limits = parseLimits(context.limits);
  if (!limits.success) return contextInvalid(`limits are invalid: ${limits.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  if (typeof context.tradingStates !== "object" || context.tradingStates === null) return contextInvalid("tradingStates is missing");
  const strategy = readPositions(context.positions?.strategy, "strategy");
  if ("ok" in strategy) return strategy;
  const account = readPositions(context.positions?.account, "account");
  if ("ok" in account) return account;
  if (!Number.isInteger(context.openPositionsCount) || context.openPositionsCount < 0) return contextInvalid("openPositionsCount must be a non-negative integer");
  const equity = toDec(context.equity);
  if (equity === null) return contextInvalid("equity is not a decimal");
  const realized = toDec(context.dailyPnl?.realized);
  const unrealized = toDec(context.dailyPnl?.unrealized);
  const since = toEpochMs(context.dailyPnl?.since);
  if (realized === null || unrealized === null || since === null) return contextInvalid("dailyPnl needs decimal realized and unrealized PnL and a since time");
  const dailyPnl = realized.add(unrealized);
  const startOfDayEquity = context.startOfDayEquity === undefined ? equity.sub(dailyPnl) : toDec(context.startOfDayEquity);
  if (startOfDayEquity === null) return contextInvalid("startOfDayEquity is not a decimal");
  const restingSells = context.restingSells === undefined ? ZERO : toDec(context.restingSells);
  if (restingSells === null || restingSells.isNeg()) return contextInvalid("restingSells is not a non-negative decimal");
  const cash = readCash(context.cash);
  if (cash !== null && "ok" in cash) return cash;
  const buyCosts = readBuyCosts(context.buyCosts, context.market);
  if ("ok" in buyCosts) return buyCosts;
  if (!Array.isArray(context.recentOrderTimes)) return contextInvalid("recentOrderTimes is not a list");
  const recentOrderTimes: number[] = [];
  for (const t of context.recentOrderTimes) {
    const ms = toEpochMs(t);
    if (ms === null) return contextInvalid(`recent order time ${String(t)} names no instant`);
    recentOrderTimes.push(ms);
  }

  const nonFlat = account.filter((p) => !p.quantity.isZero()).length;
  const otherGrossNotional = account
    .filter((p) => p.symbol !== symbol)
    .reduce((sum, p) => sum.add(p.quantity.abs().mul(p.contractSize).mul(p.markPrice)), ZERO);
  return {
    market: context.market,
    states: context.tradingStates,
    strategyPosition: strategy.find((p) => p.symbol === symbol)?.quantity ?? ZERO,
    accountPosition: account.find((p) => p.symbol === symbol)?.quantity ?? ZERO,
    restingSells,
    cash,
    buyCosts,
    otherGrossNotional,
    // The count and the snapshot can disagree while fills settle; the larger one is the safe one.
    openPositions: Math.max(context.openPositionsCount, nonFlat),
    equity,
    dailyPnl,
    dailyPnlSince: since,
    startOfDayEquity,
    recentOrderTimes,
    limits: limits.data,
  };
}

export function normalize(request: OrderRequest, context: RiskContext, now: Date): Normalized {
  const order = normalizeOrder(request);
  if ("ok" in order) return order;
  const ctx = normalizeContext(context, order.symbol);
  if ("ok" in ctx) return ctx;
  const nowMs = toEpochMs(now);
  if (nowMs === null) return contextInvalid("now is not a valid time");
  return { ok: true, order, context: ctx, now: nowMs };
}

function readCash(cash: RiskContext["cash"]): SpotCash | null | Failure {
  if (cash === undefined) return null;
  const amount = toDec(cash?.amount);
  const restingBuys = toDec(cash?.restingBuys);
  if (!nonEmpty(cash?.currency) || amount === null || restingBuys === null || restingBuys.isNeg()) {
    return contextInvalid("cash needs a currency, a decimal amount and a non-negative decimal restingBuys");
  }
  return { currency: cash.currency, amount, restingBuys };
}

/** Absent: the market's own fees (the higher of maker and taker) and no slippage. */
function readBuyCosts(costs: RiskContext["buyCosts"], market: MarketRules | undefined): BuyCosts | Failure {
  const fee = costs === undefined ? higherFee(market) : toDec(costs.feeBps);
  const slippageBps = costs === undefined ? ZERO : toDec(costs.slippageBps);
  if (fee === null || slippageBps === null || slippageBps.isNeg()) return contextInvalid("buyCosts needs a decimal feeBps and a non-negative decimal slippageBps");
  return { feeBps: fee, slippageBps };
}

function higherFee(market: MarketRules | undefined): Dec | null {
  if (market === undefined) return ZERO;
  const maker = toDec(market.makerFeeBps);
  const taker = toDec(market.takerFeeBps);
  return maker === null || taker === null ? null : Dec.max(maker, taker);
}
