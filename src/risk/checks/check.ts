import type { Dec } from "../../domain/decimal.js";
import type { ReasonCode } from "../reason-codes.js";

/**
 * What one rule says about an order. A rule never throws and never mutates: it returns one of
 * these, and the engine threads a resized quantity into the rules after it.
 */
export type CheckResult =
  | { readonly kind: "pass"; readonly detail: string }
  | { readonly kind: "resize"; readonly quantity: Dec; readonly reason: ReasonCode; readonly limit: string; readonly detail: string }
  | { readonly kind: "deny"; readonly reason: ReasonCode; readonly limit: string | null; readonly detail: string };

export function pass(detail: string): CheckResult {
  return { kind: "pass", detail };
}

export function deny(reason: ReasonCode, limit: string | null, detail: string): CheckResult {
  return { kind: "deny", reason, limit, detail };
}

export function resize(quantity: Dec, reason: ReasonCode, limit: string, detail: string): CheckResult {
  return { kind: "resize", quantity, reason, limit, detail };
}
