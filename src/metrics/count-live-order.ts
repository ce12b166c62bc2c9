import type { TradingMetrics } from "./port.js";

/**
 * A live order as placeLiveOrder returns it: counted when it is new (not found again by its client
 * order id), with the status the venue's answer left it in. Its intent and booking commit on their
 * own, so there is nothing to stage.
 */
export function countLiveOrder(metrics: TradingMetrics, placed: { order: { status: string } | null; duplicate: boolean }): void {
  if (placed.order && !placed.duplicate) metrics.orderPlaced("live", placed.order.status);
}
