import { insertDecisionRow, type DecisionRow } from "../db/repositories/booking-repository.js";
import { loadOrderSnapshot, lockForOrder } from "../db/repositories/order-snapshot-repository.js";
import { findDecisionOfOrder, findOrderById, type StoredOrder } from "../db/repositories/trading-repository.js";
import { upsertTradingState } from "../db/repositories/trading-states-repository.js";
import type { RiskDecisionRow } from "../db/schema/risk-decisions.js";
import type { Db } from "../db/client.js";
import { rawQuery, type RawQuery } from "../db/raw-query.js";
import type { OrderSide } from "../domain/order.js";
import type { RiskLimits } from "../risk/limits.js";
import { riskContextFrom, riskWindowsAt } from "../risk/risk-context.js";
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
 *
 * Round trips are counted here: the locks and the snapshot go out together (the snapshot runs after
 * the locks are granted, as a statement of its own), and the booking and its decision go out
 * together, so an order costs BEGIN, two round trips and COMMIT.
 */
export async function placeOrder(request: { ctx: PaperVenueContext; input: PlaceOrderInput }): Promise<PlaceOrderResult> {
  return request.ctx.db.transaction((tx) => placeOrderWithin(tx, request));
}

/**
 * placeOrder inside the caller's transaction `tx`, for a caller that books several orders and its
 * own rows atomically (a signal: its legs and its "processed"). The locks taken here are held until
 * that transaction ends.
 */
export async function placeOrderWithin(tx: Db, { ctx, input }: { ctx: PaperVenueContext; input: PlaceOrderInput }): Promise<PlaceOrderResult> {
  const clientOrderId = clientOrderIdOf(input.origin, input.leg, input.role);
  const query = rawQuery(tx);
  const now = ctx.clock.now();
  const [, snapshot] = await Promise.all([
    lockForOrder(query, input.symbol),
    loadOrderSnapshot(query, { clientOrderId, accountId: input.accountId, strategyId: input.strategyId, symbol: input.symbol, ...riskWindowsAt(now, input.limits) }),
  ]);
  if (snapshot.existingOrderId) return found(tx, snapshot.existingOrderId);

  const store = (record: DecisionRecord) => storeDecision(query, ctx, input, now, record);
  const rules = paperMarket(input.symbol);
  const known = input.reference ?? snapshot.prices.get(input.symbol);
  const context = riskContextFrom(snapshot, { accountId: input.accountId, strategyId: input.strategyId, market: rules, limits: input.limits, now });
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

  const orderId = ctx.ids.next("ord");
  const position = snapshot.openPositions.find((p) => p.strategyId === input.strategyId && p.symbol === input.symbol);
  const [executed, stored] = await Promise.all([
    executePaperOrder(ctx, query, {
      orderId,
      approved: decision.order,
      clientOrderId,
      signalId: signalIdOf(input.origin),
      leg: input.leg,
      role: input.role,
      rules,
      referencePrice: known.price,
      stopLoss: input.stopLoss,
      takeProfit: input.takeProfit,
      position,
      now,
    }),
    store({ ...decisionRecord(decision, request), orderId }),
  ]);
  return { decision: stored, order: executed.order, duplicate: false };
}

/** The client order id already placed an order (a retry, or a crash before the signal finished): nothing new happens. */
async function found(db: Db, orderId: string): Promise<PlaceOrderResult> {
  const [order, decision] = await Promise.all([findOrderById(db, orderId), findDecisionOfOrder(db, orderId)]);
  if (!order) throw new Error(`order ${orderId} vanished inside its transaction`);
  return { decision: decision ?? null, order, duplicate: true };
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

/** Stores the decision and answers with the row as stored (built here: the insert returns nothing). */
async function storeDecision(query: RawQuery, ctx: PaperVenueContext, input: PlaceOrderInput, now: Date, record: DecisionRecord): Promise<RiskDecisionRow> {
  const row: DecisionRow = {
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
  };
  await insertDecisionRow(query, row);
  return row;
}
