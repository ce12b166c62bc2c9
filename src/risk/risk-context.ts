import { dec, plain } from "../domain/decimal.js";
import { pnlSinceMidnight } from "./daily-pnl.js";
import { equity as accountEquity } from "../domain/account.js";
import type { MarketRules } from "../domain/market.js";
import type { TradingState } from "../domain/trading-state.js";
import { utcDay } from "../lib/clock.js";
import type { OrderSnapshot } from "../db/repositories/order-snapshot-repository.js";
import type { RiskLimits } from "./limits.js";
import type { ReasonCode } from "./reason-codes.js";
import type { PositionSnapshot, RiskContext, VenueBuyCosts } from "./types.js";

type StoredPosition = OrderSnapshot["openPositions"][number];

function positionSnapshot(p: StoredPosition, marks: Record<string, string>): PositionSnapshot {
  return { symbol: p.symbol, quantity: p.quantity, markPrice: marks[p.symbol] ?? "0", contractSize: p.contractSize };
}

function stateOf(stored: string | undefined): TradingState {
  return (stored ?? "ACTIVE") as TradingState;
}

export type ContextResult = { ok: true; context: RiskContext; equity: string } | { ok: false; reason: ReasonCode; detail: string };

const startOfUtcDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * What the snapshot reads for an order at `now`: today's PnL (from 00:00 UTC), and the strategy's
 * orders of the last minute, of which the order-rate check needs at most maxOrdersPerMinute (it
 * asks whether there are that many already) and none when the check is off.
 */
export const riskWindowsAt = (now: Date, limits: Pick<RiskLimits, "maxOrdersPerMinute">) => ({
  day: utcDay(now),
  ordersSince: new Date(now.getTime() - 60_000),
  ordersLimit: limits.maxOrdersPerMinute ?? 0,
});

/**
 * Everything the risk engine needs, from a snapshot of the ledger read at one instant (under the
 * order's locks): trading states, positions valued at the last prices, equity, today's PnL and this
 * strategy's recent orders. A position without a price cannot be valued, so the context is
 * refused rather than guessed (invariant 4).
 */
export function riskContextFrom(
  snapshot: OrderSnapshot,
  input: { strategyId: string; accountId: string; market: MarketRules | undefined; limits: RiskLimits; now: Date; buyCosts?: VenueBuyCosts | undefined },
): ContextResult {
  const account = snapshot.account;
  if (!account) return { ok: false, reason: "ACCOUNT_UNKNOWN", detail: `no account ${input.accountId}` };
  const open = snapshot.openPositions;
  const prices = snapshot.prices;
  // Plain loops, no closures: this runs for every order, live and in backtests.
  for (const p of open) if (!prices.has(p.symbol)) return { ok: false, reason: "MARK_PRICE_MISSING", detail: `no price known for ${p.symbol}` };
  const marks: Record<string, string> = Object.create(null);
  for (const p of open) marks[p.symbol] = prices.get(p.symbol)?.price ?? "0";
  const equity = accountEquity({ id: account.id, currency: account.currency, startingCash: account.startingCash, cash: account.cash, fees: account.fees }, open, marks);
  // Every open position counts, on whatever venue it trades: the daily loss includes them all. The
  // day's PnL is counted from 00:00 UTC; what of it is not realized today is the unrealized part.
  const today = pnlSinceMidnight(open, snapshot.dayFlows, prices);
  if (!today.ok) return { ok: false, reason: "MARK_PRICE_MISSING", detail: `no price known for ${today.symbol}, held at 00:00 UTC: today's loss cannot be measured` };
  const unrealized = today.pnl.minus(snapshot.realizedToday);
  const netBySymbol = new Map<string, StoredPosition>();
  for (const p of open) {
    const prior = netBySymbol.get(p.symbol);
    netBySymbol.set(p.symbol, prior ? { ...prior, quantity: plain(dec(prior.quantity).plus(p.quantity)) } : p);
  }
  const strategyPositions: PositionSnapshot[] = [];
  for (const p of open) if (p.strategyId === input.strategyId) strategyPositions.push(positionSnapshot(p, marks));
  const accountPositions: PositionSnapshot[] = [];
  for (const p of netBySymbol.values()) accountPositions.push(positionSnapshot(p, marks));
  return {
    ok: true,
    equity,
    context: {
      market: input.market,
      tradingStates: {
        global: stateOf(snapshot.states.global),
        account: stateOf(snapshot.states.account),
        strategy: stateOf(snapshot.states.strategy),
      },
      positions: { strategy: strategyPositions, account: accountPositions },
      openPositionsCount: open.length,
      restingSells: snapshot.restingSells,
      cash: { currency: account.currency, amount: account.cash, restingBuys: snapshot.restingBuys },
      ...(input.buyCosts ? { buyCosts: input.buyCosts } : {}),
      equity,
      dailyPnl: { realized: snapshot.realizedToday, unrealized: plain(unrealized), since: startOfUtcDay(input.now) },
      recentOrderTimes: snapshot.recentOrderTimes,
      limits: input.limits,
    },
  };
}
