import { CanonicalSignalSchema, numberToDecimal } from "../../domain/signal.js";
import type { CanonicalSignal } from "../../domain/signal.js";
import type { Bar, StrategySignal } from "./bar-strategy.js";
import { isoTime } from "./iso-time.js";

const MAX_COMMENT = CanonicalSignalSchema.shape.comment.unwrap().maxLength ?? 500;

/**
 * The canonical signal a built-in strategy's decision becomes: a market order at the bar's close,
 * stamped with the time the bar closed (open time + timeframe), the moment the decision was possible.
 */
export function toCanonicalSignal(
  symbol: string,
  bar: Bar,
  timeframeMs: number,
  s: StrategySignal,
): CanonicalSignal {
  return {
    symbol,
    // A copy: the strategies share frozen intents, a signal owns its own.
    intent: { ...s.intent },
    orderType: "market",
    referencePrice: numberToDecimal(bar.close),
    confidence: s.confidence,
    sourceTime: isoTime(bar.time + timeframeMs),
    comment: s.comment.length > MAX_COMMENT ? s.comment.slice(0, MAX_COMMENT) : s.comment,
  };
}
