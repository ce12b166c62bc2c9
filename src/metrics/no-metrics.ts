import type { Metrics } from "./port.js";

/**
 * Counts nothing and renders an empty page: for a container whose metrics nobody scrapes (a tool, a
 * test that does not look at them), which then registers no collectors at all.
 */
export const NO_METRICS: Metrics = {
  intake: { signalReceived: () => {} },
  trading: { riskDecision: () => {}, orderPlaced: () => {}, filled: () => {} },
  marketData: { pricePass: () => {}, candlePass: () => {} },
  http: { httpRequest: () => {} },
  venueCalls: { start: () => () => {} },
  render: async () => ({ contentType: "text/plain; version=0.0.4; charset=utf-8", body: "" }),
};
