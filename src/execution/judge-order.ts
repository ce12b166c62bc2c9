import type { OrderSnapshot } from "../db/repositories/order-snapshot-repository.js";
import type { MarketRules } from "../domain/market.js";
import { riskContextFrom } from "../risk/risk-context.js";
import { evaluateOrder } from "../risk/risk-engine.js";
import type { ApprovedOrder, OrderRequest, RiskDecision, StateChange, VenueBuyCosts } from "../risk/types.js";
import type { DecisionRow } from "../db/repositories/booking-repository.js";
import { signalIdOf } from "./client-order-id.js";
import type { PlaceOrderInput } from "./place-order.js";

/** What a decision is stored as: the request and the checks when the risk engine ran, a detail when it could not. */
export type DecisionRecord = { outcome: string; reason: string | null; limit: string | null; detail?: string; request?: unknown; checks?: unknown; orderId?: string };

export type Judgement =
  | { readonly kind: "denied"; readonly record: DecisionRecord; readonly stateChange?: StateChange }
  | {
      readonly kind: "approved";
      readonly approved: ApprovedOrder;
      /** The price the order was judged against: the signal's own, or the last known. */
      readonly referencePrice: string;
      readonly record: DecisionRecord;
      readonly stateChange?: StateChange;
    };

/**
 * The pure heart of placing an order, shared by every venue and by backtests (invariant 6): the
 * risk context from a snapshot of the books, sizing against that context's equity, and the risk
 * engine's decision. Storage (the database, or a backtest's memory) is the caller's. `buyCosts` is
 * the venue's fee and slippage when they are not the market's (the paper venue's, a backtest's).
 */
export function judgeOrder(snapshot: OrderSnapshot, input: PlaceOrderInput, rules: MarketRules | undefined, now: Date, buyCosts?: VenueBuyCosts): Judgement {
  const known = input.reference ?? snapshot.prices.get(input.symbol);
  const context = riskContextFrom(snapshot, { accountId: input.accountId, strategyId: input.strategyId, market: rules, limits: input.limits, now, buyCosts });
  if (!context.ok) return { kind: "denied", record: { outcome: "denied", reason: context.reason, limit: null, detail: context.detail } };

  const quantity = typeof input.quantity === "string" ? input.quantity : input.quantity({ equity: context.equity, referencePrice: known?.price });
  if (typeof quantity !== "string") return { kind: "denied", record: { outcome: "denied", reason: quantity.reason, limit: quantity.limit ?? null, detail: quantity.detail } };
  const request: OrderRequest = {
    accountId: input.accountId,
    strategyId: input.strategyId,
    symbol: input.symbol,
    side: input.side,
    kind: input.kind,
    quantity,
    ...(input.limitPrice ? { limitPrice: input.limitPrice } : {}),
    reduceOnly: input.reduceOnly,
    ...(known ? { referencePrice: known.price, referencePriceAt: known.observedAt } : {}),
  };
  const decision = evaluateOrder(request, context.context, now);
  const record = decisionRecord(decision, request);
  const change = decision.stateChange ? { stateChange: decision.stateChange } : {};
  if (decision.outcome === "denied" || !decision.order || !rules || !known) return { kind: "denied", record, ...change };
  return { kind: "approved", approved: decision.order, referencePrice: known.price, record, ...change };
}

function decisionRecord(decision: RiskDecision, request: OrderRequest): DecisionRecord {
  return {
    outcome: decision.outcome,
    reason: decision.reason,
    limit: decision.limit,
    request,
    checks: decision.checks,
  };
}

/** The row a decision is kept as: the same for the database and a backtest's books. */
export function decisionRow(id: string, input: PlaceOrderInput, now: Date, record: DecisionRecord): DecisionRow {
  return {
    id,
    signalId: signalIdOf(input.origin),
    strategyId: input.strategyId,
    accountId: input.accountId,
    symbol: input.symbol,
    leg: input.leg,
    outcome: record.outcome,
    reason: record.reason,
    limitText: record.limit,
    orderId: record.orderId ?? null,
    request: record.request ?? { detail: record.detail },
    checks: record.checks ?? [],
    createdAt: now,
  };
}
