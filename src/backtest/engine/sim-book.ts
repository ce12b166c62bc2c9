import type { DayFlow, OrderSnapshot } from "../../db/repositories/order-snapshot-repository.js";
import type { StoredOrder, StoredPosition } from "../../db/repositories/trading-repository.js";
import { dec, plain, type Dec } from "../../domain/decimal.js";
import { applyFillToCash, cashDelta, openPaperAccount, type PaperAccount } from "../../domain/account.js";
import type { MarketRules } from "../../domain/market.js";
import type { Fill, OrderSide } from "../../domain/order.js";
import { applyFill, signedQuantity, type PositionUpdate } from "../../domain/position.js";
import type { TradingState } from "../../domain/trading-state.js";
import type { IdSource } from "../../lib/ids.js";
import { remainingQuantity } from "../../execution/paper/order-fills.js";
import type { StateChange } from "../../risk/types.js";

export const BACKTEST_ACCOUNT_ID = "acc_backtest";

/** The UTC calendar day of an instant as a day number: the same days as utcDay, without formatting a date. */
const utcDayNumber = (at: Date): number => Math.floor(at.getTime() / 86_400_000);

/**
 * The books a backtest keeps in memory instead of the database: one paper account, the strategy's
 * open positions, the orders resting at the simulated venue, trading states, today's realized PnL
 * and fills per symbol, and recent order times. It answers the same OrderSnapshot the database
 * gives the live path, and books fills with the same domain functions (applyFill, applyFillToCash).
 */
export class SimBook {
  account: PaperAccount;
  readonly positions = new Map<string, StoredPosition>();
  /** Working limit and stop orders, placement order. */
  resting: StoredOrder[] = [];
  readonly states: { global?: TradingState; account?: TradingState; strategy?: TradingState } = {};
  /** Cash as a number, refreshed at each fill, for the equity curve. */
  cashNumber: number;
  /** Signed position quantity × contract size per symbol, as numbers, for the equity curve: a box per symbol, read every bar. */
  readonly #held = new Map<string, { value: number }>();
  /** The UTC day (days since the epoch) #realizedToday and #dayFlows count in. */
  #day = Number.NaN;
  #realizedToday: Dec = dec(0);
  readonly #dayFlows = new Map<string, { quantity: Dec; cost: Dec }>();
  readonly #orderTimes: Date[] = [];

  constructor(
    startingCash: string,
    currency: string,
    private readonly ids: IdSource,
  ) {
    this.account = openPaperAccount({ id: BACKTEST_ACCOUNT_ID, currency, startingCash });
    this.cashNumber = Number(this.account.cash);
  }

  /** The snapshot the live path reads under an order's locks, from memory. `prices` values open positions. */
  snapshot(now: Date, prices: OrderSnapshot["prices"], ordersLimit: number, symbol: string): OrderSnapshot {
    const since = now.getTime() - 60_000;
    const recent: Date[] = [];
    for (let i = this.#orderTimes.length - 1; i >= 0 && recent.length < ordersLimit; i--) {
      const at = this.#orderTimes[i] as Date;
      if (at.getTime() < since) break;
      recent.push(at);
    }
    const today = utcDayNumber(now) === this.#day;
    return {
      existingOrderId: null,
      account: this.account,
      openPositions: [...this.positions.values()],
      prices,
      states: this.states,
      realizedToday: today ? plain(this.#realizedToday) : "0",
      dayFlows: today ? this.#flows() : [],
      recentOrderTimes: recent,
      restingSells: this.#restingSells(symbol),
      restingBuys: this.#restingBuys(prices),
    };
  }

  /** The symbol's held quantity × contract size as a number; the same box for the whole run. */
  held(symbol: string): { value: number } {
    let box = this.#held.get(symbol);
    if (box === undefined) {
      box = { value: 0 };
      this.#held.set(symbol, box);
    }
    return box;
  }

  recordOrder(at: Date): void {
    this.#orderTimes.push(at);
    // Only the last minute's orders are ever read: keep the array short.
    if (this.#orderTimes.length > 512) this.#orderTimes.splice(0, 256);
  }

  applyStateChange(change: StateChange): void {
    this.states[change.scope] = change.to;
  }

  /** What the symbol's working sells (not reduce-only) may still sell. */
  #restingSells(symbol: string): string {
    let total: Dec | undefined;
    for (const o of this.resting) {
      if (o.symbol !== symbol || o.side !== "sell" || o.reduceOnly) continue;
      const rest = remainingQuantity(o);
      total = total === undefined ? rest : total.add(rest);
    }
    return total === undefined ? "0" : plain(total);
  }

  /** What the working spot buys (not reduce-only) may still spend before fees, as the snapshot's SQL reads it. */
  #restingBuys(prices: OrderSnapshot["prices"]): string {
    let total: Dec | undefined;
    for (const o of this.resting) {
      if (o.side !== "buy" || o.reduceOnly || o.symbol.includes(":")) continue;
      const price = o.limitPrice ?? o.stopPrice ?? prices.get(o.symbol)?.price;
      if (price === undefined || price === null) continue;
      const spend = remainingQuantity(o).mul(price);
      total = total === undefined ? spend : total.add(spend);
    }
    return total === undefined ? "0" : plain(total);
  }

  #flows(): DayFlow[] {
    const flows: DayFlow[] = [];
    for (const [symbol, f] of this.#dayFlows) flows.push({ symbol, quantity: plain(f.quantity), cost: plain(f.cost) });
    return flows;
  }

  /** Books one fill: position, cash, fees, today's realized PnL net of fees and today's flows, as the paper venue does. */
  bookFill(fill: Fill, rules: MarketRules): { before: StoredPosition | undefined; update: PositionUpdate } {
    const before = this.positions.get(fill.symbol);
    const update = applyFill(before, fill, rules);
    if (update.closed) {
      this.positions.delete(fill.symbol);
      this.held(fill.symbol).value = 0;
    } else {
      this.positions.set(fill.symbol, { ...update.position, id: before?.id ?? this.ids.next("pos") });
      this.held(fill.symbol).value = Number(update.position.quantity) * Number(rules.contractSize);
    }
    this.account = applyFillToCash(this.account, fill, rules);
    this.cashNumber = Number(this.account.cash);
    const day = utcDayNumber(fill.filledAt);
    if (day !== this.#day) {
      this.#day = day;
      this.#realizedToday = dec(0);
      this.#dayFlows.clear();
    }
    this.#realizedToday = this.#realizedToday.add(update.realizedPnl).sub(fill.fee);
    const flow = this.#dayFlows.get(fill.symbol);
    const units = signedQuantity(fill).mul(rules.contractSize);
    const cost = cashDelta(fill, rules).neg();
    this.#dayFlows.set(fill.symbol, flow ? { quantity: flow.quantity.add(units), cost: flow.cost.add(cost) } : { quantity: units, cost });
    return { before, update };
  }

  /**
   * A closed position's protective orders and resting reduce-only exits have nothing left to
   * reduce, as on the paper venue (cancelProtectionRows): kept, they would close the next position.
   */
  cancelProtection(symbol: string): void {
    this.resting = this.resting.filter((o) => !(o.symbol === symbol && outlivesPosition(o)));
  }

  /**
   * Takes the symbol's working entries (not reduce-only) on `sides` off the book, as the paper
   * venue cancels a lane's entries a later signal supersedes; returns them, marked cancelled.
   */
  cancelEntries(symbol: string, sides: readonly OrderSide[], at: Date, reason: string): StoredOrder[] {
    const taken = this.resting.filter((o) => o.symbol === symbol && o.role === "entry" && !o.reduceOnly && sides.includes(o.side));
    this.resting = this.resting.filter((o) => !taken.includes(o));
    return taken.map((o) => ({ ...o, status: "cancelled" as const, rejectReason: reason, updatedAt: at }));
  }
}

const outlivesPosition = (o: StoredOrder): boolean => o.role === "stop_loss" || o.role === "take_profit" || (o.role === "exit" && o.reduceOnly);
