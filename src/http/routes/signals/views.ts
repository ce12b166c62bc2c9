import type { SignalTraceRows } from "../../../db/repositories/trace-repository.js";
import type { SignalRow } from "../../../db/schema/signals.js";
import type { CanonicalSignal } from "../../../domain/signal.js";
import type { DeliveryReceipt, SignalStatus } from "../../../ingest/ledger.js";

export function receiptBody(receipt: DeliveryReceipt) {
  const first = receipt.signals[0] as { id: string; status: SignalStatus };
  return { id: first.id, ids: receipt.signals.map((r) => r.id), status: first.status, duplicate: receipt.duplicate };
}

/** The public shape of a ledger row: everything stored, with internal claim bookkeeping left out. */
export function signalView(row: SignalRow) {
  return {
    id: row.id,
    deliveryId: row.deliveryId,
    commandIndex: row.commandIndex,
    strategyId: row.strategyId,
    source: row.source as "tradingview" | "internal",
    status: row.status as SignalStatus,
    symbol: row.symbol,
    signal: (row.signal as CanonicalSignal | null) ?? null,
    rejection:
      row.rejectCode && row.rejectReason
        ? { code: row.rejectCode, reason: row.rejectReason, detail: row.rejectDetail ?? "" }
        : null,
    notes: row.notes,
    format: row.format,
    rawBody: row.rawBody,
    contentType: row.contentType,
    sourceAddress: row.sourceAddress,
    alertId: row.alertId,
    webhookId: row.webhookId,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
    attempts: row.attempts,
    result: (row.result as Record<string, unknown> | null) ?? null,
  };
}

/** intent → risk decisions → orders → fills → the resulting position: why an alert did or did not trade. */
export function traceView(trace: SignalTraceRows) {
  return {
    decisions: trace.decisions.map((d) => ({
      leg: d.leg,
      outcome: d.outcome,
      reason: d.reason,
      limit: d.limitText,
      orderId: d.orderId,
      checks: d.checks as unknown[],
      at: d.createdAt.toISOString(),
    })),
    orders: trace.orders.map((o) => ({
      id: o.id,
      leg: o.leg,
      role: o.role,
      side: o.side,
      kind: o.kind,
      quantity: o.quantity,
      limitPrice: o.limitPrice,
      stopPrice: o.stopPrice,
      status: o.status,
      rejectReason: o.rejectReason,
      filledQuantity: o.filledQuantity,
      averageFillPrice: o.averageFillPrice,
      fills: trace.fills
        .filter((f) => f.orderId === o.id)
        .map((f) => ({ id: f.id, quantity: f.quantity, price: f.price, fee: f.fee, realizedPnl: f.realizedPnl, at: f.filledAt.toISOString() })),
    })),
    positions: trace.positions.map((p) => ({
      id: p.id,
      symbol: p.symbol,
      quantity: p.quantity,
      averageEntryPrice: p.averageEntryPrice,
      realizedPnl: p.realizedPnl,
      fees: p.fees,
      status: p.status,
    })),
  };
}
