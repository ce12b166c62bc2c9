import { findDecisionOfOrder, findOrderById, type StoredOrder } from "../db/repositories/trading-repository.js";
import type { RiskDecisionRow } from "../db/schema/risk-decisions.js";
import type { Db } from "../db/client.js";
import type { OrderSide } from "../domain/order.js";
import { stageTradingMetrics } from "../metrics/staged.js";
import type { RiskLimits } from "../risk/limits.js";
import { signalIdOf, type OrderOrigin } from "./client-order-id.js";
import { decideOrder } from "./decide-order.js";
import { paperBuyCosts } from "./paper/matching-config.js";
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
  /** Position within a signal's plan; 0 for manual orders. A fallback's is past FALLBACK_LEG_OFFSET. */
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
 * Round trips: decideOrder's one (locks and snapshot), then the booking and the approval together,
 * so an order costs BEGIN, two round trips and COMMIT. Inside a signal the booking is not waited
 * for: the next statement follows it at once (writes-behind.ts).
 */
export async function placeOrder({ ctx, input }: { ctx: PaperVenueContext; input: PlaceOrderInput }): Promise<PlaceOrderResult> {
  const staged = stageTradingMetrics(ctx.metrics);
  const result = await ctx.db.transaction((tx) => placeOrderWithin(tx, { ctx: { ...ctx, metrics: staged.metrics }, input }));
  staged.commit();
  return result;
}

/**
 * placeOrder inside the caller's transaction `tx`, for a caller that books several orders and its
 * own rows atomically (a signal: its legs and its "processed"). The locks taken here are held until
 * that transaction ends.
 */
export async function placeOrderWithin(tx: Db, { ctx, input }: { ctx: PaperVenueContext; input: PlaceOrderInput }): Promise<PlaceOrderResult> {
  const decided = await decideOrder(tx, ctx, input, paperMarket(input.symbol), paperBuyCosts(ctx.matching));
  if (decided.kind === "existing") return found(tx, decided.orderId);
  if (decided.kind === "denied") return { decision: decided.decision, order: null, duplicate: false };
  const { query, now } = decided;
  const orderId = ctx.ids.next("ord");
  const position = decided.snapshot.openPositions.find((p) => p.strategyId === input.strategyId && p.symbol === input.symbol);
  const [executed, stored] = await Promise.all([
    executePaperOrder(ctx, query, {
      orderId,
      approved: decided.approved,
      clientOrderId: decided.clientOrderId,
      signalId: signalIdOf(input.origin),
      leg: input.leg,
      role: input.role,
      rules: decided.rules,
      referencePrice: decided.referencePrice,
      stopLoss: input.stopLoss,
      takeProfit: input.takeProfit,
      position,
      now,
    }),
    decided.storeApproval(orderId),
  ]);
  for (const placed of [executed.order, ...executed.protection]) ctx.metrics.orderPlaced("paper", placed.status);
  ctx.metrics.filled("paper", executed.fills.length);
  return { decision: stored, order: executed.order, duplicate: false };
}

/** The client order id already placed an order (a retry, or a crash before the signal finished): nothing new happens. */
export async function found(db: Db, orderId: string): Promise<PlaceOrderResult> {
  const [order, decision] = await Promise.all([findOrderById(db, orderId), findDecisionOfOrder(db, orderId)]);
  if (!order) throw new Error(`order ${orderId} vanished inside its transaction`);
  return { decision: decision ?? null, order, duplicate: true };
}
