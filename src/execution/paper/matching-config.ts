import { Dec, dec } from "../../domain/decimal.js";
import type { VenueBuyCosts } from "../../risk/types.js";

/**
 * How the paper venue fills. Fees come from here rather than from MarketRules so a paper account can
 * model a fee tier other than the one the market data advertises.
 */
export type PaperMatchingConfig = {
  /** Moves every taker fill against the taker; 0 fills at the reference price. */
  readonly slippageBps: string;
  /** May be negative: a maker rebate. */
  readonly makerFeeBps: string;
  readonly takerFeeBps: string;
  /** 0 < r ≤ 1: at most this fraction of a resting order's remaining quantity fills per price event; undefined fills fully. */
  readonly partialFillRatio?: string;
};

/** Injected so fills are deterministic in tests and backtests. */
export type FillIdSource = (prefix: "fil") => string;

/** Throws on a config no venue could run with; the paper venue checks it once at boot as well. */
export function checkMatchingConfig(config: PaperMatchingConfig): void {
  const slippage = dec(config.slippageBps);
  // 10 000 bps would slip a sell to a price of zero.
  if (slippage.isNeg() || slippage.gte(10_000)) throw new RangeError(`slippageBps must be in [0, 10000), got ${config.slippageBps}`);
  if (!dec(config.makerFeeBps).isFinite() || !dec(config.takerFeeBps).isFinite()) throw new RangeError("fee bps must be finite decimals");
  if (config.partialFillRatio !== undefined) {
    const ratio = dec(config.partialFillRatio);
    if (!ratio.gt(0) || ratio.gt(1)) throw new RangeError(`partialFillRatio must be in (0, 1], got ${config.partialFillRatio}`);
  }
}

/**
 * What the risk engine's cash check charges a buy on this venue beyond its notional: the higher of
 * the two fees (whether a resting order fills as maker or taker is not known when it is placed), and
 * the slippage a market order fills with. Read once per configuration: every order asks.
 */
export function paperBuyCosts(config: PaperMatchingConfig): VenueBuyCosts {
  let costs = buyCostsOf.get(config);
  if (costs === undefined) {
    costs = { feeBps: Dec.max(dec(config.makerFeeBps), dec(config.takerFeeBps)), slippageBps: dec(config.slippageBps) };
    buyCostsOf.set(config, costs);
  }
  return costs;
}

const buyCostsOf = new WeakMap<PaperMatchingConfig, VenueBuyCosts>();
