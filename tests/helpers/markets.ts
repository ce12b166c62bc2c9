import type { MarketRules } from "../../src/domain/market.js";

/**
 * Spot BTC/USDT with round numbers for hand-checked tests: 0.001 BTC steps, 0.01 ticks, one unit per
 * contract, 10 bp fees, no limits unless a test adds them.
 */
export function btcSpot(overrides: Partial<MarketRules> = {}): MarketRules {
  return {
    symbol: "BTC/USDT",
    base: "BTC",
    quote: "USDT",
    kind: "spot",
    contractSize: "1",
    amountStep: "0.001",
    priceStep: "0.01",
    makerFeeBps: "10",
    takerFeeBps: "10",
    ...overrides,
  };
}
