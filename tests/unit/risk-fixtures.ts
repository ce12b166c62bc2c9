import type { MarketRules } from "../../src/domain/market.js";
import { btcSpot } from "../helpers/markets.js";
import { RiskLimitsSchema, type RiskLimits, type RiskLimitsInput } from "../../src/risk/limits.js";
import type { OrderRequest, PositionSnapshot, RiskContext } from "../../src/risk/types.js";

/** Shared factories for the risk tests: every value is written out so the expected numbers can be checked by hand. */

export const NOW = new Date("2025-03-14T12:00:00.000Z");
export const TODAY = "2025-03-14T00:00:00.000Z";

/** Spot BTC/USDT: 1 unit per contract, 0.001 BTC steps, 0.01 ticks, cost between 5 and 1 000 000 USDT. */
export const BTC: MarketRules = btcSpot({ minAmount: "0.001", maxAmount: "100", minCost: "5", maxCost: "1000000" });

/** Linear perpetual: contracts of 0.001 BTC, whole contracts only, 0.1 ticks. */
export const BTC_PERP: MarketRules = {
  symbol: "BTC/USDT:USDT",
  base: "BTC",
  quote: "USDT",
  kind: "swap",
  contractSize: "0.001",
  amountStep: "1",
  priceStep: "0.1",
  minAmount: "1",
  makerFeeBps: "2",
  takerFeeBps: "5",
};

/**
 * With equity 50 000 and BTC at 50 000: one order ≤ 0.2 BTC, a position ≤ 0.5 BTC, leverage ≤ 1 BTC,
 * gross exposure ≤ 75 000, a daily loss of 2 500 crosses the limit.
 */
export const LIMITS: RiskLimits = RiskLimitsSchema.parse({
  maxOrderNotional: "10000",
  maxPositionNotionalPerSymbol: "25000",
  maxPositionQuantityPerSymbol: null,
  maxOpenPositions: 3,
  maxGrossExposureMultiple: "1.5",
  maxGrossExposureNotional: null,
  maxLeverage: "1",
  maxDailyLossPercent: "5",
  dailyLossAction: "REDUCING",
  maxOrdersPerMinute: 5,
  priceCollarBps: "100",
  maxReferencePriceAgeMs: 10_000,
} satisfies RiskLimitsInput);

export function limits(overrides: RiskLimitsInput = {}): RiskLimits {
  return RiskLimitsSchema.parse({ ...LIMITS, ...overrides });
}

export function order(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    accountId: "acc_1",
    strategyId: "stg_1",
    symbol: "BTC/USDT",
    side: "buy",
    kind: "market",
    quantity: "0.1",
    reduceOnly: false,
    referencePrice: "50000",
    referencePriceAt: "2025-03-14T11:59:58.000Z",
    ...overrides,
  };
}

export function position(symbol: string, quantity: string, markPrice = "50000", contractSize = "1"): PositionSnapshot {
  return { symbol, quantity, markPrice, contractSize };
}

/** The same position held by the strategy and, netted, by the account. */
export function holding(quantity: string): Pick<RiskContext, "positions" | "openPositionsCount"> {
  return { positions: { strategy: [position("BTC/USDT", quantity)], account: [position("BTC/USDT", quantity)] }, openPositionsCount: 1 };
}

export function context(overrides: Partial<RiskContext> = {}): RiskContext {
  return {
    market: BTC,
    tradingStates: { global: "ACTIVE", account: "ACTIVE", strategy: "ACTIVE" },
    positions: { strategy: [], account: [] },
    openPositionsCount: 0,
    equity: "50000",
    dailyPnl: { realized: "0", unrealized: "0", since: TODAY },
    recentOrderTimes: [],
    limits: LIMITS,
    ...overrides,
  };
}
