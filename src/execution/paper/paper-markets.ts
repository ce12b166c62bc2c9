import type { MarketRules } from "../../domain/market.js";

/**
 * The markets the paper venue lists, with steps and limits shaped like Binance's (spot and USDT
 * perpetuals, late 2025). A symbol not listed here has no rules, so the risk engine denies it
 * (UNKNOWN_MARKET) rather than trading it on guessed precision.
 */
const spot = (base: string, amountStep: string, priceStep: string, minAmount = amountStep): MarketRules => ({
  symbol: `${base}/USDT`,
  base,
  quote: "USDT",
  kind: "spot",
  contractSize: "1",
  amountStep,
  priceStep,
  minAmount,
  maxAmount: "9000000",
  minCost: "5",
  makerFeeBps: "10",
  takerFeeBps: "10",
});

const perp = (base: string, amountStep: string, priceStep: string): MarketRules => ({
  ...spot(base, amountStep, priceStep),
  symbol: `${base}/USDT:USDT`,
  kind: "swap",
  makerFeeBps: "2",
  takerFeeBps: "5",
});

export const PAPER_MARKETS: readonly MarketRules[] = [
  spot("BTC", "0.00001", "0.01"),
  spot("ETH", "0.0001", "0.01"),
  spot("SOL", "0.001", "0.01"),
  spot("BNB", "0.001", "0.01"),
  spot("XRP", "0.1", "0.0001"),
  spot("ADA", "0.1", "0.0001"),
  spot("DOGE", "1", "0.00001"),
  perp("BTC", "0.001", "0.1"),
  perp("ETH", "0.001", "0.01"),
  perp("SOL", "0.01", "0.001"),
];

const BY_SYMBOL = new Map(PAPER_MARKETS.map((m) => [m.symbol, m]));

export function paperMarket(symbol: string): MarketRules | undefined {
  return BY_SYMBOL.get(symbol);
}
