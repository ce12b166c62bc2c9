import type { Dec } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import { toDec } from "../values.js";
import { deny, pass, type CheckResult } from "./check.js";

/** Market rules whose steps have been read and found positive. */
export type UsableMarket = {
  readonly rules: MarketRules;
  readonly contractSize: Dec;
  readonly amountStep: Dec;
  readonly priceStep: Dec;
};

const OPTIONAL_LIMITS = ["minAmount", "maxAmount", "minCost", "maxCost"] as const;

/**
 * Rules that are missing, for another symbol, or unreadable are all "unknown": a zero or garbled
 * step would silently disable truncation and tick checks, so such a market cannot trade.
 */
export function checkMarket(market: MarketRules | undefined, symbol: string): { result: CheckResult; market: UsableMarket | null } {
  if (market === undefined || market === null || market.symbol !== symbol) return readMarket(market, symbol);
  // Rules are read-only values reused for every order of a market: a usable one is read once.
  let usable = usableMarkets.get(market);
  if (usable === undefined) {
    const read = readMarket(market, symbol);
    if (read.market === null) return read;
    usable = { result: read.result, market: read.market };
    usableMarkets.set(market, usable);
  }
  return usable;
}

const usableMarkets = new WeakMap<MarketRules, { result: CheckResult; market: UsableMarket }>();

function readMarket(market: MarketRules | undefined, symbol: string): { result: CheckResult; market: UsableMarket | null } {
  const unknown = (detail: string) => ({ result: deny("UNKNOWN_MARKET", null, detail), market: null });
  if (market === undefined || market === null) return unknown(`no market rules for ${symbol}`);
  if (market.symbol !== symbol) return unknown(`market rules are for ${String(market.symbol)}, not ${symbol}`);
  const contractSize = toDec(market.contractSize);
  const amountStep = toDec(market.amountStep);
  const priceStep = toDec(market.priceStep);
  if (contractSize === null || amountStep === null || priceStep === null || contractSize.lte(0) || amountStep.lte(0) || priceStep.lte(0)) {
    return unknown(`market rules for ${symbol} need positive contractSize, amountStep and priceStep`);
  }
  for (const name of OPTIONAL_LIMITS) {
    const value = market[name];
    if (value === undefined) continue;
    const d = toDec(value);
    if (d === null || d.isNeg()) return unknown(`market rule ${name}=${String(value)} for ${symbol} is not a non-negative decimal`);
  }
  return { result: pass(`${symbol}: amountStep ${amountStep.toFixed()}, priceStep ${priceStep.toFixed()}`), market: { rules: market, contractSize, amountStep, priceStep } };
}
