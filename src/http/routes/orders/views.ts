import type { FillRow } from "../../../db/schema/fills.js";
import type { OrderRow } from "../../../db/schema/orders.js";
import type { RiskDecisionRow } from "../../../db/schema/risk-decisions.js";
import type { OrderKind, OrderRole, OrderSide, OrderStatus } from "../../../domain/order.js";
import type { RiskOutcome } from "../../../risk/types.js";
import type { OrderWithFills } from "../../../trading/order-queries.js";

/** The public shape of an order: the sequence and the venue's own id stay internal. */
export function orderView(row: OrderRow) {
  return {
    id: row.id,
    clientOrderId: row.clientOrderId,
    accountId: row.accountId,
    strategyId: row.strategyId,
    signalId: row.signalId,
    leg: row.leg,
    symbol: row.symbol,
    side: row.side as OrderSide,
    kind: row.kind as OrderKind,
    role: row.role as OrderRole,
    quantity: row.quantity,
    limitPrice: row.limitPrice,
    stopPrice: row.stopPrice,
    reduceOnly: row.reduceOnly,
    parentOrderId: row.parentOrderId,
    status: row.status as OrderStatus,
    filledQuantity: row.filledQuantity,
    averageFillPrice: row.averageFillPrice,
    rejectReason: row.rejectReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function fillView(row: FillRow) {
  return {
    id: row.id,
    quantity: row.quantity,
    price: row.price,
    fee: row.fee,
    liquidity: row.liquidity as "maker" | "taker",
    realizedPnl: row.realizedPnl,
    filledAt: row.filledAt.toISOString(),
  };
}

export function orderDetailView({ order, fills }: OrderWithFills) {
  return { ...orderView(order), fills: fills.map(fillView) };
}

type StoredCheck = { rule: string; passed: boolean; reason: string | null; detail: string };

/** A stored decision; `detail` is the denying rule's, or the reason a denial came before the rules ran. */
export function decisionView(row: RiskDecisionRow) {
  const checks = Array.isArray(row.checks) ? (row.checks as StoredCheck[]) : [];
  const failed = checks.find((c) => !c.passed);
  const early = (row.request as { detail?: unknown } | null)?.detail;
  return {
    id: row.id,
    outcome: row.outcome as RiskOutcome,
    reason: row.reason,
    limit: row.limitText,
    detail: row.outcome === "denied" ? (failed?.detail ?? (typeof early === "string" ? early : null)) : null,
    orderId: row.orderId,
    checks: checks.map(({ rule, passed, reason, detail }) => ({ rule, passed, reason, detail })),
    createdAt: row.createdAt.toISOString(),
  };
}

export function placedOrderView(result: { decision: RiskDecisionRow; order: OrderWithFills | null }) {
  return { decision: decisionView(result.decision), order: result.order ? orderDetailView(result.order) : null };
}
