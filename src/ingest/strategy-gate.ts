import type { StrategyRow } from "../db/schema/strategies.js";
import type { CanonicalSignal } from "../domain/signal.js";
import type { Rejection } from "./ledger.js";

/** What a strategy itself refuses, whatever the source: being disabled, or a symbol it does not trade. */
export function strategyRejection(strategy: StrategyRow, signals: readonly CanonicalSignal[]): Rejection | undefined {
  if (!strategy.enabled) {
    return { code: "SIGNAL_REJECTED", reason: "STRATEGY_DISABLED", detail: `strategy '${strategy.key}' is disabled` };
  }
  if (strategy.allowedSymbols.length === 0) return undefined;
  const outside = signals.find((s) => !strategy.allowedSymbols.includes(s.symbol));
  if (!outside) return undefined;
  return {
    code: "SIGNAL_REJECTED",
    reason: "SYMBOL_NOT_ALLOWED",
    detail: `${outside.symbol} is not among strategy '${strategy.key}''s allowed symbols (${strategy.allowedSymbols.join(", ")})`,
  };
}
