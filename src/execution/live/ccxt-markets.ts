import { functions, type Market } from "ccxt";
import { dec, plain } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";

const { TICK_SIZE, DECIMAL_PLACES } = functions;

/**
 * A ccxt number as exact decimal text. ccxt parses the venue's strings into doubles; String(n) is
 * the shortest text that round-trips to the same double, which for any value a venue prints with
 * ≤ 15 significant digits is the venue's own text ("0.00001", not 0.0000100000000000000008…).
 */
export function numberText(n: number | undefined | null): string | undefined {
  if (n === undefined || n === null || !Number.isFinite(n)) return undefined;
  return plain(dec(String(n)));
}

/**
 * A precision value as a step: in TICK_SIZE mode it is the step already; in DECIMAL_PLACES mode a
 * digit count d means 10^-d. SIGNIFICANT_DIGITS (or anything else) has no fixed step: undefined.
 */
export function precisionStep(value: number | undefined | null, precisionMode: number): string | undefined {
  const text = numberText(value);
  if (text === undefined) return undefined;
  if (precisionMode === TICK_SIZE) return dec(text).gt(0) ? text : undefined;
  if (precisionMode === DECIMAL_PLACES) {
    if (!Number.isInteger(value)) return undefined;
    return plain(dec(10).pow(-(value as number)));
  }
  return undefined;
}

/** A fee rate (0.001) in basis points ("10"). */
function feeBps(rate: number | undefined | null): string | undefined {
  const text = numberText(rate);
  return text === undefined ? undefined : plain(dec(text).mul(10_000));
}

/** A positive limit as text; ccxt reports 0 or undefined where the venue sets none. */
function limit(n: number | undefined | null): string | undefined {
  const text = numberText(n);
  return text !== undefined && dec(text).gt(0) ? text : undefined;
}

/**
 * Maps a ccxt market to the domain's rules. Anything the rules cannot do without (either step, the
 * fees, a supported kind) missing yields undefined: the market is then unknown and cannot trade
 * (invariant 4), rather than trading on guessed precision.
 */
export function marketRulesFromCcxt(market: Market, precisionMode: number): MarketRules | undefined {
  if (market === undefined) return undefined;
  const kind = market.spot ? "spot" : market.swap ? "swap" : undefined;
  if (kind === undefined) return undefined;
  const amountStep = precisionStep(market.precision?.amount, precisionMode);
  const priceStep = precisionStep(market.precision?.price, precisionMode);
  if (amountStep === undefined || priceStep === undefined) return undefined;
  const makerFeeBps = feeBps(market.maker);
  const takerFeeBps = feeBps(market.taker);
  if (makerFeeBps === undefined || takerFeeBps === undefined) return undefined;
  const contractSize = kind === "spot" ? "1" : limit(market.contractSize);
  if (contractSize === undefined) return undefined;

  const optional = {
    minAmount: limit(market.limits?.amount?.min),
    maxAmount: limit(market.limits?.amount?.max),
    minCost: limit(market.limits?.cost?.min),
    maxCost: limit(market.limits?.cost?.max),
  };
  return {
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    kind,
    contractSize,
    amountStep,
    priceStep,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    makerFeeBps,
    takerFeeBps,
  };
}

/** Every tradable market of a loaded ccxt exchange, by unified symbol; markets without rules are left out. */
export function marketRulesMap(markets: Record<string, Market> | undefined, precisionMode: number): Map<string, MarketRules> {
  const rules = new Map<string, MarketRules>();
  for (const market of Object.values(markets ?? {})) {
    if (market === undefined || market.active === false) continue;
    const r = marketRulesFromCcxt(market, precisionMode);
    if (r) rules.set(r.symbol, r);
  }
  return rules;
}
