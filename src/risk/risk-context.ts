import { dec, plain } from "../domain/decimal.js";
import { equity as accountEquity } from "../domain/account.js";
import type { MarketRules } from "../domain/market.js";
import { unrealizedPnl } from "../domain/position.js";
import type { TradingState } from "../domain/trading-state.js";
import type { Db } from "../db/client.js";
import { findTradingState } from "../db/repositories/trading-states-repository.js";
import {
  findAccount,
  lastPrices,
  openPositionsOfAccount,
  realizedSince,
  recentOrderTimes,
} from "../db/repositories/trading-repository.js";
import { paperMarket } from "../execution/paper/paper-markets.js";
import type { RiskLimits } from "./limits.js";
import type { ReasonCode } from "./reason-codes.js";
import type { RiskContext } from "./types.js";

export type ContextResult = { ok: true; context: RiskContext; equity: string } | { ok: false; reason: ReasonCode; detail: string };

const startOfUtcDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

async function stateOf(db: Db, scope: string, id: string): Promise<TradingState> {
  return ((await findTradingState(db, scope, id))?.state as TradingState | undefined) ?? "ACTIVE";
}

/**
 * Everything the risk engine needs, read from the ledger at one instant: trading states, positions
 * valued at the last prices, equity, today's PnL and this strategy's recent orders. A position
 * without a price cannot be valued, so the context is refused rather than guessed (invariant 4).
 */
export async function loadRiskContext(
  db: Db,
  input: { accountId: string; strategyId: string; market: MarketRules | undefined; limits: RiskLimits; now: Date },
): Promise<ContextResult> {
  const account = await findAccount(db, input.accountId);
  if (!account) return { ok: false, reason: "ACCOUNT_UNKNOWN", detail: `no account ${input.accountId}` };
  const open = await openPositionsOfAccount(db, input.accountId);
  const prices = await lastPrices(db, [...new Set(open.map((p) => p.symbol))]);
  const unpriced = open.find((p) => !prices.has(p.symbol));
  if (unpriced) return { ok: false, reason: "MARK_PRICE_MISSING", detail: `no price known for ${unpriced.symbol}` };
  const mark = (symbol: string) => prices.get(symbol)?.price ?? "0";
  const marks = Object.fromEntries(open.map((p) => [p.symbol, mark(p.symbol)]));
  const equity = accountEquity({ id: account.id, currency: account.currency, startingCash: account.startingCash, cash: account.cash, fees: account.fees }, open, marks);
  let unrealized = dec(0);
  for (const p of open) {
    const rules = paperMarket(p.symbol);
    if (rules) unrealized = unrealized.plus(unrealizedPnl(p, mark(p.symbol), rules));
  }
  const since = startOfUtcDay(input.now);
  const snapshot = (p: (typeof open)[number]) => ({ symbol: p.symbol, quantity: p.quantity, markPrice: mark(p.symbol), contractSize: p.contractSize });
  const netBySymbol = new Map<string, (typeof open)[number]>();
  for (const p of open) {
    const prior = netBySymbol.get(p.symbol);
    netBySymbol.set(p.symbol, prior ? { ...prior, quantity: plain(dec(prior.quantity).plus(p.quantity)) } : p);
  }
  return {
    ok: true,
    equity,
    context: {
      market: input.market,
      tradingStates: {
        global: await stateOf(db, "global", ""),
        account: await stateOf(db, "account", input.accountId),
        strategy: await stateOf(db, "strategy", input.strategyId),
      },
      positions: {
        strategy: open.filter((p) => p.strategyId === input.strategyId).map(snapshot),
        account: [...netBySymbol.values()].map(snapshot),
      },
      openPositionsCount: open.length,
      equity,
      dailyPnl: { realized: await realizedSince(db, input.accountId, since), unrealized: plain(unrealized), since },
      recentOrderTimes: await recentOrderTimes(db, input.strategyId, new Date(input.now.getTime() - 60_000)),
      limits: input.limits,
    },
  };
}
