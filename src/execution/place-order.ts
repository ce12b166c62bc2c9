import { lockKillSwitchShared } from "../db/repositories/kill-switch-lock.js";
import { lockSymbol } from "../db/repositories/symbol-lock.js";
import { findDecisionOfOrder, findOrderByClientId, insertRiskDecision, lastPrices, type StoredOrder } from "../db/repositories/trading-repository.js";
import { upsertTradingState } from "../db/repositories/trading-states-repository.js";
import type { RiskDecisionRow } from "../db/schema/risk-decisions.js";
import type { Db } from "../db/client.js";
import type { OrderSide } from "../domain/order.js";
import type { RiskLimits } from "../risk/limits.js";
import { loadRiskContext } from "../risk/risk-context.js";
import { evaluateOrder } from "../risk/risk-engine.js";
import type { OrderRequest, RiskDecision } from "../risk/types.js";
import { clientOrderIdOf, signalIdOf, type OrderOrigin } from "./client-order-id.js";
import { paperMarket } from "./paper/paper-markets.js";
import { executePaperOrder, type PaperVenueContext } from "./paper/paper-venue.js";

/** A quantity the risk layer refused to produce (sizing): stored as a denial like any other. */
export type QuantityDenial = { reason: string; limit?: string | undefined; detail: string };

/** Sizing needs the equity the risk context was read with, so it runs inside the same snapshot. */
export type QuantityRule = (risk: { equity: string; referencePrice: string | undefined }) => string | QuantityDenial;

export type PlaceOrderInput = {
  accountId: string;
  strategyId: string;
  symbol: string;
  side: OrderSide;
  kind: "market" | "limit";
  /** Order units, or a rule that sizes the order from the risk snapshot. */
  quantity: string | QuantityRule;
  limitPrice?: string | undefined;
  reduceOnly: boolean;
  role: "entry" | "exit";
  origin: OrderOrigin;
  /** Position within a signal's plan; 0 for manual orders. Part of the client order id. */
  leg: number;
  stopLoss?: string | undefined;
  takeProfit?: string | undefined;
  limits: RiskLimits;
  /** The signal's own price; without it, the last price known for the symbol (market_prices). */
  reference?: { price: string; observedAt: Date } | undefined;
};

export type PlaceOrderResult = {
  /** The stored decision; null only for an order found again whose decision predates decision storage. */
  decision: RiskDecisionRow | null;
  /** null when the decision was a denial: nothing reached the venue. */
  order: StoredOrder | null;
  /** true when the client order id had already placed this order: nothing new happened. */
  duplicate: boolean;
};

/**
 * One order request through the risk engine and onto the paper venue, the same for signals and
 * operators: context read → (sizing) → risk decision → execution, with the decision stored in the
 * same transaction as the order it placed (or alone, as a denial: invariant 5). The symbol's lock
 * and the shared kill-switch lock are held throughout, so the position the risk engine saw is the
 * one the order executes against, and a halt either precedes the decision or follows the booking.
 */
export async function placeOrder({ ctx, input }: { ctx: PaperVenueContext; input: PlaceOrderInput }): Promise<PlaceOrderResult> {
  const clientOrderId = clientOrderIdOf(input.origin, input.leg, input.role);
  return ctx.db.transaction(async (tx) => {
    await lockKillSwitchShared(tx);
    await lockSymbol(tx, input.symbol);
    const existing = await findOrderByClientId(tx, clientOrderId);
    if (existing) return { decision: (await findDecisionOfOrder(tx, existing.id)) ?? null, order: existing, duplicate: true };

    const now = ctx.clock.now();
    const store = (record: DecisionRecord) => storeDecision(tx, ctx, input, now, record);
    const rules = paperMarket(input.symbol);
    const known = input.reference ?? (await lastPrices(tx, [input.symbol])).get(input.symbol);
    const context = await loadRiskContext(tx, { accountId: input.accountId, strategyId: input.strategyId, market: rules, limits: input.limits, now });
    if (!context.ok) return denied(await store({ outcome: "denied", reason: context.reason, limit: null, detail: context.detail }));

    const quantity = typeof input.quantity === "string" ? input.quantity : input.quantity({ equity: context.equity, referencePrice: known?.price });
    if (typeof quantity !== "string") {
      return denied(await store({ outcome: "denied", reason: quantity.reason, limit: quantity.limit ?? null, detail: quantity.detail }));
    }
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
    if (decision.stateChange) {
      const { scope, to, reason } = decision.stateChange;
      const scopeId = scope === "global" ? "" : scope === "account" ? input.accountId : input.strategyId;
      await upsertTradingState(tx, { scope, scopeId, state: to, reason, changedBy: "risk-engine", changedAt: now });
    }
    if (decision.outcome === "denied" || !decision.order || !rules || !known) return denied(await store(decisionRecord(decision, request)));

    const executed = await executePaperOrder(
      { ...ctx, db: tx },
      {
        approved: decision.order,
        clientOrderId,
        signalId: signalIdOf(input.origin),
        leg: input.leg,
        role: input.role,
        rules,
        referencePrice: known.price,
        stopLoss: input.stopLoss,
        takeProfit: input.takeProfit,
      },
    );
    // Only after the lookup above missed and another instance placed the same id meanwhile.
    if (executed.duplicate) return { decision: (await findDecisionOfOrder(tx, executed.order.id)) ?? null, order: executed.order, duplicate: true };
    const stored = await store({ ...decisionRecord(decision, request), orderId: executed.order.id });
    return { decision: stored, order: executed.order, duplicate: false };
  });
}

const denied = (decision: RiskDecisionRow): PlaceOrderResult => ({ decision, order: null, duplicate: false });

type DecisionRecord = { outcome: string; reason: string | null; limit: string | null; detail?: string; request?: unknown; checks?: unknown; orderId?: string };

function decisionRecord(decision: RiskDecision, request: OrderRequest): DecisionRecord {
  return {
    outcome: decision.outcome,
    reason: decision.reason,
    limit: decision.limit,
    request: JSON.parse(JSON.stringify(request)) as unknown,
    checks: decision.checks,
  };
}

async function storeDecision(db: Db, ctx: PaperVenueContext, input: PlaceOrderInput, now: Date, record: DecisionRecord): Promise<RiskDecisionRow> {
  return insertRiskDecision(db, {
    id: ctx.ids.next("rsk"),
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
  });
}
