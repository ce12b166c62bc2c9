import type { Intent } from "../../domain/signal.js";
import type { StrategySignal } from "./bar-strategy.js";

// Shared frozen intents: a strategy that signals allocates only the signal object and its comment.
export const OPEN_LONG: Intent = Object.freeze({ action: "open", side: "long" });
export const OPEN_SHORT: Intent = Object.freeze({ action: "open", side: "short" });
export const CLOSE_LONG: Intent = Object.freeze({ action: "close", side: "long" });
export const CLOSE_SHORT: Intent = Object.freeze({ action: "close", side: "short" });

export function signal(intent: Intent, comment: string, confidence = 1): StrategySignal {
  return { intent, confidence, comment };
}

/** Six significant digits, for comments only: "64123.5", "28.4127", "-0.00123457". */
export function fmt(x: number): string {
  return String(Number(x.toPrecision(6)));
}
