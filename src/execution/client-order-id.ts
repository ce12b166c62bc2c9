import { createHash } from "node:crypto";
import type { OrderRole } from "../domain/order.js";

/** Where an order request comes from: a signal, or an operator's key (manual orders, closes, flattens). */
export type OrderOrigin = { readonly signalId: string } | { readonly manualKey: string };

/**
 * The same signal, leg and role always give the same id, so reprocessing a signal after a crash
 * finds the order it already placed instead of placing a twin (invariant 2). 30 characters of
 * [a-z0-9] fit every venue's limit (Binance allows 36).
 */
export function clientOrderId(signalId: string, leg: number, role: OrderRole): string {
  const digest = createHash("sha256").update(`${signalId}:${leg}:${role}`).digest("hex");
  return `sg${digest.slice(0, 28)}`;
}

/**
 * A manual key names one order whatever its role, so the same key sent as an entry and then as an
 * exit finds the first order rather than placing a second. Manual keys hash under their own prefix,
 * so no key can collide with a signal's id (sig_…).
 */
export function clientOrderIdOf(origin: OrderOrigin, leg: number, role: OrderRole): string {
  if ("signalId" in origin) return clientOrderId(origin.signalId, leg, role);
  const digest = createHash("sha256").update(`manual:${origin.manualKey}:${leg}`).digest("hex");
  return `sg${digest.slice(0, 28)}`;
}

export const signalIdOf = (origin: OrderOrigin): string | null => ("signalId" in origin ? origin.signalId : null);
