import type { StoredOrder } from "../db/repositories/trading-repository.js";
import type { ApprovedOrder } from "../risk/types.js";

/**
 * The order row an approved request becomes, before any venue has seen it: the same on paper
 * (which submits it at once) and live (which commits it as `new`, its intent, before sending). An
 * entry carries its stop-loss and take-profit levels, placed as protection once it has filled.
 */
export function orderFromApproval(
  approved: ApprovedOrder,
  placement: {
    id: string;
    clientOrderId: string;
    signalId: string | null;
    leg: number;
    role: StoredOrder["role"];
    stopLoss?: string | undefined;
    takeProfit?: string | undefined;
    status: "new" | "submitted";
    venueOrderId: string | null;
    now: Date;
  },
): StoredOrder {
  const entry = placement.role === "entry";
  return {
    id: placement.id,
    clientOrderId: placement.clientOrderId,
    accountId: approved.accountId,
    strategyId: approved.strategyId,
    signalId: placement.signalId,
    leg: placement.leg,
    symbol: approved.symbol,
    side: approved.side,
    kind: approved.kind,
    role: placement.role,
    quantity: approved.quantity,
    limitPrice: approved.limitPrice ?? null,
    stopPrice: approved.stopPrice ?? null,
    reduceOnly: approved.reduceOnly,
    parentOrderId: null,
    stopLossPrice: entry ? (placement.stopLoss ?? null) : null,
    takeProfitPrice: entry ? (placement.takeProfit ?? null) : null,
    status: placement.status,
    filledQuantity: "0",
    averageFillPrice: null,
    venueOrderId: placement.venueOrderId,
    rejectReason: null,
    createdAt: placement.now,
    updatedAt: placement.now,
  };
}
