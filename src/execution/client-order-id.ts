import { createHash } from "node:crypto";
import type { OrderRole } from "../domain/order.js";

/** Where an order request comes from: a signal, or an operator's key (manual orders, closes, flattens). */
export type OrderOrigin = { readonly signalId: string } | { readonly manualKey: string };

/**
 * A plan has a handful of legs (0, 1, …). The market order that replaces a limit whose timeout ran
 * out takes this plus the original's leg (see limit-fallback/due.ts), so it can never be a plan leg.
 */
export const FALLBACK_LEG_OFFSET = 1000;

/**
 * The part of a leg that goes into a signal's client order id: 0 for every leg of the plan, the
 * offset for a fallback. Not the leg itself: the plan is rebuilt from the position each time a
 * signal runs, so a reversal whose exit filled before a crash is planned again from flat, and its
 * entry is then leg 0 instead of leg 1. A plan holds at most one order per role (an exit, an
 * entry), so the role alone tells them apart, and the entry run again finds the one already sent.
 */
const idSlot = (leg: number): number => (leg >= FALLBACK_LEG_OFFSET ? FALLBACK_LEG_OFFSET : 0);

/**
 * The same signal and role (and, for a fallback, the same replacement) always give the same id, so
 * reprocessing a signal after a crash finds the order it already placed instead of placing a twin
 * (invariant 2). 30 characters of [a-z0-9] fit every venue's limit (Binance allows 36).
 */
export function clientOrderId(signalId: string, leg: number, role: OrderRole): string {
  const digest = createHash("sha256").update(`${signalId}:${idSlot(leg)}:${role}`).digest("hex");
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
