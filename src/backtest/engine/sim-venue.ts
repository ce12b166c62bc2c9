import type { OrderSnapshot } from "../../db/repositories/order-snapshot-repository.js";
import type { StoredOrder } from "../../db/repositories/trading-repository.js";
import type { RiskDecisionRow } from "../../db/schema/risk-decisions.js";
import type { MarketRules } from "../../domain/market.js";
import { entryRefusal, mostRestrictive } from "../../domain/trading-state.js";
import type { Fill, Order, OrderSide } from "../../domain/order.js";
import type { IdSource } from "../../lib/ids.js";
import { orderFromApproval } from "../../execution/approved-order.js";
import { signalIdOf } from "../../execution/client-order-id.js";
import { decisionRow, judgeOrder, type DecisionRecord } from "../../execution/judge-order.js";
import { dec } from "../../domain/decimal.js";
import { fillOnArrival, onPrice, positionKey, type HeldPositions, type PaperMatchingConfig } from "../../execution/paper/index.js";
import { paperBuyCosts } from "../../execution/paper/matching-config.js";
import { protectionOrders } from "../../execution/paper/paper-booking.js";
import type { PlaceOrderInput, PlaceOrderResult } from "../../execution/place-order.js";
import type { SimBook } from "./sim-book.js";
import type { TradeRecorder } from "./trade-recorder.js";

/** The bar a resting order is checked against; `openText` is the open's exact decimal text. */
export type BarRange = { open: number; high: number; low: number; openText: string; at: Date; index: number };

type Triggered = { order: StoredOrder; price: string };

/**
 * The paper venue of a backtest: orders are judged by the same judgeOrder as live and paper, market
 * orders and limits already through it fill with the paper venue's fillOnArrival at the fill
 * model's price, and resting limits, stops and targets fill with its onPrice when a bar's range
 * reaches them. Only the books (memory, not SQL) and the clock (the bar's time) differ from the
 * live path.
 */
export class SimVenue {
  /** The simulated clock: the instant orders are decided and filled at. */
  now = new Date(0);
  /** Where market orders fill (the fill model's price), as exact decimal text. */
  fillPrice = "0";
  bar = 0;
  /** Prices known at `now`, for the risk snapshot: the symbol's own and those valuing open positions. */
  prices: OrderSnapshot["prices"] = new Map();
  readonly refusals: Record<string, number> = {};
  orders = 0;
  readonly #levels = new WeakMap<StoredOrder, number>();

  constructor(
    private readonly book: SimBook,
    private readonly ids: IdSource,
    private readonly matching: PaperMatchingConfig,
    private readonly rules: ReadonlyMap<string, MarketRules>,
    private readonly recorder: TradeRecorder,
  ) {}

  readonly place = async (input: PlaceOrderInput): Promise<PlaceOrderResult> => {
    const rules = this.rules.get(input.symbol);
    const now = this.now;
    const judged = judgeOrder(this.book.snapshot(now, this.prices, input.limits.maxOrdersPerMinute ?? 0, input.symbol), input, rules, now, paperBuyCosts(this.matching));
    if (judged.stateChange) this.book.applyStateChange(judged.stateChange);
    if (judged.kind === "denied" || !rules) {
      const reason = judged.record.reason ?? "DENIED";
      this.refusals[reason] = (this.refusals[reason] ?? 0) + 1;
      return { decision: this.#decision(input, judged.record, null), order: null, duplicate: false };
    }
    const id = this.ids.next("ord");
    let order = orderFromApproval(judged.approved, {
      id,
      // Nothing at a simulated venue can be resent, so the order id serves; hashing one per order would only cost.
      clientOrderId: id,
      signalId: signalIdOf(input.origin),
      leg: input.leg,
      role: input.role,
      stopLoss: input.stopLoss,
      takeProfit: input.takeProfit,
      status: "submitted",
      venueOrderId: id,
      now,
    });
    this.orders++;
    this.book.recordOrder(now);
    const match = fillOnArrival(order, this.fillPrice, rules, this.matching, now, () => this.ids.next("fil"));
    if (match) {
      order = { ...order, ...match.order };
      this.#book(match.fills, order, rules);
      this.#rest(protectionOrders(this.ids, order));
    } else {
      this.#rest([order]);
    }
    return { decision: this.#decision(input, judged.record, id), order, duplicate: false };
  };

  /**
   * A bar of `symbol` against its resting orders. Which came first inside a bar is unknown, so the
   * worst case is assumed: what the open already crossed fills first (at the open, or at its limit),
   * then stops, then limits; a stop-loss and a take-profit reached in the same bar is a stop-out.
   */
  onBar(symbol: string, bar: BarRange): void {
    const rules = this.rules.get(symbol);
    if (!rules || this.book.resting.length === 0) return;
    const atOpen: Triggered[] = [];
    const stops: Triggered[] = [];
    const limits: Triggered[] = [];
    for (const order of this.book.resting) {
      if (order.symbol !== symbol) continue;
      const level = this.#level(order);
      const buy = order.side === "buy";
      const levelText = (order.kind === "stop" ? order.stopPrice : order.limitPrice) as string;
      if (order.kind === "limit") {
        if (buy ? bar.low > level : bar.high < level) continue;
        (buy ? bar.open <= level : bar.open >= level) ? atOpen.push({ order, price: levelText }) : limits.push({ order, price: levelText });
      } else {
        if (buy ? bar.high < level : bar.low > level) continue;
        (buy ? bar.open >= level : bar.open <= level) ? atOpen.push({ order, price: bar.openText }) : stops.push({ order, price: levelText });
      }
    }
    // As on the paper venue: an entry that rests while the book's state is REDUCING or HALTED (the
    // daily loss limit) is cancelled when the price reaches it, not filled.
    const states = this.book.states;
    const refuse = () => entryRefusal(mostRestrictive(states.global ?? "ACTIVE", states.account ?? "ACTIVE", states.strategy ?? "ACTIVE"));
    for (const { order, price } of [...atOpen, ...stops, ...limits]) {
      if (!this.book.resting.includes(order)) continue;
      // The book's position as it stands now, earlier orders of this bar included: a reduce-only
      // order fills at most what is left of it, as on the paper venue.
      const position = this.book.positions.get(symbol);
      const held: HeldPositions = new Map(position ? [[positionKey(order), dec(position.quantity)]] : []);
      const result = onPrice([order], price, rules, this.matching, bar.at, () => this.ids.next("fil"), held, refuse);
      const updated: StoredOrder = { ...order, ...(result.orders[0] as Order) };
      if (updated.status === order.status && result.fills.length === 0) continue;
      this.book.resting = this.book.resting.filter((o) => o !== order);
      if (updated.status === "partially_filled") this.#rest([updated]);
      this.#book(result.fills, updated, rules);
      this.#rest(protectionOrders(this.ids, updated));
    }
  }

  /**
   * Cancels the symbol's working entries on `sides` that a later signal supersedes, as the paper
   * venue does (cancelLaneEntries): what one filled before gets its protection.
   */
  cancelEntries(symbol: string, sides: readonly OrderSide[], reason: string): StoredOrder[] {
    const cancelled = this.book.cancelEntries(symbol, sides, this.now, reason);
    for (const entry of cancelled) this.#rest(protectionOrders(this.ids, entry));
    return cancelled;
  }

  #book(fills: readonly Fill[], order: StoredOrder, rules: MarketRules): void {
    for (const fill of fills) {
      const { before, update } = this.book.bookFill(fill, rules);
      this.recorder.onFill(fill, order.role, before, update, this.bar);
      if (update.closed) this.book.cancelProtection(fill.symbol);
    }
  }

  #rest(orders: readonly StoredOrder[]): void {
    for (const order of orders) {
      this.#levels.set(order, Number(order.kind === "stop" ? order.stopPrice : order.limitPrice));
      this.book.resting.push(order);
    }
  }

  #level(order: StoredOrder): number {
    return this.#levels.get(order) ?? Number(order.kind === "stop" ? order.stopPrice : order.limitPrice);
  }

  #decision(input: PlaceOrderInput, record: DecisionRecord, orderId: string | null): RiskDecisionRow {
    return decisionRow(this.ids.next("rsk"), input, this.now, orderId === null ? record : { ...record, orderId });
  }

}
