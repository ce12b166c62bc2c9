import type { TradingMetrics } from "./port.js";

export type StagedTradingMetrics = {
  /** Hand this to the work inside the transaction. */
  readonly metrics: TradingMetrics;
  /** After the commit: passes on what the work reported. Never called when the transaction rolls back. */
  commit(): void;
};

/**
 * Trading metrics held back until the transaction that did the work commits. A signal whose
 * transaction rolls back is processed again from the start, so counting inside it would count its
 * decisions, orders and fills once per attempt.
 */
export function stageTradingMetrics(target: TradingMetrics): StagedTradingMetrics {
  let pending: Array<(m: TradingMetrics) => void> = [];
  return {
    metrics: {
      riskDecision: (outcome, reason) => pending.push((m) => m.riskDecision(outcome, reason)),
      orderPlaced: (venue, status) => pending.push((m) => m.orderPlaced(venue, status)),
      filled: (venue, count) => pending.push((m) => m.filled(venue, count)),
    },
    commit: () => {
      const done = pending;
      pending = [];
      for (const report of done) report(target);
    },
  };
}
