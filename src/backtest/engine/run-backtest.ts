import { createHash } from "node:crypto";
import type { OrderSnapshot } from "../../db/repositories/order-snapshot-repository.js";
import type { ClaimedSignal } from "../../db/repositories/signal-queue-repository.js";
import type { MarketRules } from "../../domain/market.js";
import type { CanonicalSignal } from "../../domain/signal.js";
import { paperMarket } from "../../execution/paper/paper-markets.js";
import { timeframeMs } from "../../market-data/timeframes.js";
import type { BarStrategy } from "../../strategy/builtin/bar-strategy.js";
import { createBarStrategy } from "../../strategy/builtin/registry.js";
import { toCanonicalSignal } from "../../strategy/builtin/to-canonical-signal.js";
import { ENTRY_ORDER_CANCELLED_BY_SIGNAL, supersedeEntries } from "../../strategy/superseded-entries.js";
import { tradeSignal } from "../../strategy/trade-signal.js";
import { computeMetrics } from "../metrics.js";
import type { BacktestMetrics, BacktestSpec, BacktestTrade, CandleSeries, EquityCurve, ReplaySignal } from "../types.js";
import { MidnightMarks } from "./midnight-marks.js";
import { priceText } from "./price-text.js";
import { BACKTEST_ACCOUNT_ID, SimBook } from "./sim-book.js";
import { sequentialIds } from "./sim-ids.js";
import { SeriesBar } from "./series-bar.js";
import { SimVenue } from "./sim-venue.js";
import { TradeRecorder } from "./trade-recorder.js";

export type BacktestRunOptions = {
  /** Called about every `progressEvery` bars (default 50 000) and once at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /** Read between bars; true stops the run with a BacktestCancelledError. */
  readonly isCancelled?: () => boolean;
};

export type BacktestResult = {
  readonly trades: readonly BacktestTrade[];
  readonly equity: EquityCurve;
  readonly metrics: BacktestMetrics;
  readonly candles: number;
  readonly signals: number;
  readonly orders: number;
  /** Risk denials and strategy no-ops by reason code. */
  readonly refusals: Readonly<Record<string, number>>;
  /** sha256 of the canonical trade list: the same inputs give the same hash. */
  readonly tradesHash: string;
};

export class BacktestCancelledError extends Error {
  constructor() {
    super("the backtest was cancelled");
    this.name = "BacktestCancelledError";
  }
}

/** Inputs no backtest can run on; the job layer checks these first and answers 422, this is the backstop. */
export class BacktestInputError extends Error {
  constructor(
    readonly code: "UNKNOWN_MARKET" | "CANDLES_MISSING" | "BACKTEST_INVALID",
    message: string,
  ) {
    super(message);
    this.name = "BacktestInputError";
  }
}

export const BACKTEST_STRATEGY_ID = "stg_backtest";

/** One symbol's state in the run: its candles, cursor, strategy and the signal waiting for the next open. */
type Lane = {
  series: CandleSeries;
  rules: MarketRules;
  next: number;
  end: number;
  strategy: BarStrategy | undefined;
  /** What the strategy sees: the series read at the bar being closed. */
  bar: SeriesBar;
  replay: readonly ReplaySignal[];
  replayNext: number;
  pending: CanonicalSignal[];
  pendingObservedAt: Date;
  lastClose: number;
  lastIndex: number;
  /** The book's held quantity × contract size for this symbol. */
  held: { value: number };
};

/**
 * Runs a backtest over candles already loaded (one series per symbol, same timeframe) on the live
 * code path: each signal, built-in or replayed, goes through tradeSignal (strategy manager, sizing,
 * risk engine) to a simulated paper venue; only the clock (the bars' times) and the books (memory)
 * differ from live. Strategies see a bar only once it has closed.
 */
export async function runBacktest(spec: BacktestSpec, series: readonly CandleSeries[], options: BacktestRunOptions = {}): Promise<BacktestResult> {
  const tf = timeframeMs(spec.timeframe);
  const ids = sequentialIds();
  const lanes = series.map((s) => laneOf(spec, s));
  const currency = lanes[0]?.rules.quote ?? "USDT";
  if (lanes.some((l) => l.rules.quote !== currency)) throw new BacktestInputError("BACKTEST_INVALID", "every symbol of a backtest must settle in the same currency");
  const book = new SimBook(spec.startingCash, currency, ids);
  for (const lane of lanes) lane.held = book.held(lane.series.symbol);
  const recorder = new TradeRecorder();
  const matching = { slippageBps: spec.slippageBps, makerFeeBps: spec.makerFeeBps, takerFeeBps: spec.takerFeeBps };
  const venue = new SimVenue(book, ids, matching, new Map(lanes.map((l) => [l.series.symbol, l.rules])), recorder);
  const total = lanes.reduce((n, l) => n + (l.end - l.next), 0);
  const equityTime = new Float64Array(total);
  const equityValue = new Float64Array(total);
  let points = 0;
  let exposedBars = 0;
  let signals = 0;
  let done = 0;
  const progressEvery = options.progressEvery ?? 50_000;
  let nextProgress = progressEvery;

  // The risk snapshot's prices, rebuilt in place for each signal: one map for the whole run.
  const prices: OrderSnapshot["prices"] = new Map();
  venue.prices = prices;
  const midnightMarks = new MidnightMarks(tf);
  const execute = async (lane: Lane, signal: CanonicalSignal, fillPrice: string, at: Date, observedAt: Date, index: number) => {
    venue.now = at;
    venue.fillPrice = fillPrice;
    venue.bar = index;
    pricesAt(prices, lanes, lane, fillPrice, at, tf, midnightMarks);
    signals++;
    const claimed: ClaimedSignal = { id: ids.next("sig"), deliveryId: "", strategyId: BACKTEST_STRATEGY_ID, source: "backtest", symbol: lane.series.symbol, lane: "", signal, attempts: 1, receivedAt: observedAt };
    // As on the paper venue: entries still resting from earlier signals that this one supersedes go first.
    const notes = await supersedeEntries(signal.intent, async (sides) => venue.cancelEntries(lane.series.symbol, sides, ENTRY_ORDER_CANCELLED_BY_SIGNAL));
    const position = book.positions.get(lane.series.symbol);
    const result = await tradeSignal({ claimed, config: spec.config, positionQuantity: position?.quantity, lastPrice: undefined, rules: lane.rules, accountId: BACKTEST_ACCOUNT_ID, place: venue.place, notes });
    if (result.outcome === "NO_ACTION" && typeof result.reason === "string") venue.refusals[result.reason] = (venue.refusals[result.reason] ?? 0) + 1;
  };

  const single = lanes.length === 1;
  const thisClose = spec.fillModel === "this_close";
  /** Signals decided at a close that fill at that same close (this_close), from closeBar to fillAtClose. */
  let decidedNow: CanonicalSignal[] | undefined;

  /**
   * Bar `i` after its open's fills: resting orders against its range, then the strategy at its
   * close, which is the first moment it sees the bar. True when what it decided fills at this
   * close (this_close), which the caller does before endBar; next_open signals wait in the lane.
   */
  const closeBar = (lane: Lane, i: number): boolean => {
    const s = lane.series;
    if (book.resting.length > 0) {
      venue.onBar(s.symbol, { open: s.open[i] as number, high: s.high[i] as number, low: s.low[i] as number, openText: priceText(s, i, "open"), at: new Date(s.time[i] as number), index: i });
    }
    lane.lastClose = s.close[i] as number;
    lane.lastIndex = i;
    const closedAt = (s.time[i] as number) + tf;
    const decided = barSignals(lane, i, closedAt, tf);
    if (decided === undefined) return false;
    if (thisClose) {
      decidedNow = decided;
      return true;
    }
    lane.pending.push(...decided);
    lane.pendingObservedAt = new Date(closedAt);
    return false;
  };

  /** One equity point per instant, once every symbol's bar of that instant is in; then progress. Returns the lane whose bar is next. */
  const endBar = (lane: Lane, i: number): Lane | undefined => {
    const time = lane.series.time[i] as number;
    const following = single ? (lane.next < lane.end ? lane : undefined) : earliest(lanes);
    if (!following || (following.series.time[following.next] as number) !== time) {
      let equity = book.cashNumber;
      let exposed = false;
      for (const l of lanes) {
        const held = l.held.value;
        if (held !== 0) {
          equity += held * l.lastClose;
          exposed = true;
        }
      }
      equityTime[points] = time;
      equityValue[points++] = equity;
      if (exposed) exposedBars++;
    }
    if (++done >= nextProgress) {
      nextProgress += progressEvery;
      options.onProgress?.(done, total);
      if (options.isCancelled?.()) throw new BacktestCancelledError();
    }
    return following;
  };

  /**
   * The bars between trades, in a plain function: an async function resumed after every await of a
   * signal runs its loop unoptimized until the next on-stack replacement, which cost more than the
   * strategy itself. Stops at a bar whose open has signals to fill (not started yet), or at a bar
   * whose close fills at the close (closed, not ended).
   */
  const scan = (from: Lane | undefined): { lane: Lane | undefined; closing: number } => {
    let lane = from;
    while (lane !== undefined) {
      if (lane.pending.length > 0) return { lane, closing: -1 };
      const i = lane.next++;
      venue.bar = i;
      if (closeBar(lane, i)) return { lane, closing: i };
      lane = endBar(lane, i);
    }
    return { lane: undefined, closing: -1 };
  };

  /** this_close: the signals decided at bar i's close fill at that close. */
  const fillAtClose = async (lane: Lane, i: number): Promise<void> => {
    const decided = decidedNow ?? [];
    decidedNow = undefined;
    const observedAt = new Date((lane.series.time[i] as number) + tf);
    const closeText = priceText(lane.series, i, "close");
    for (const signal of decided) await execute(lane, signal, closeText, observedAt, observedAt, i);
  };

  let lane = earliest(lanes);
  while (lane !== undefined) {
    // The bar opens: signals decided at the previous close fill now (next_open).
    if (lane.pending.length > 0) {
      const s = lane.series;
      const i = lane.next++;
      venue.bar = i;
      const at = new Date(s.time[i] as number);
      const openText = priceText(s, i, "open");
      for (const signal of lane.pending.splice(0)) await execute(lane, signal, openText, at, lane.pendingObservedAt, i);
      if (closeBar(lane, i)) await fillAtClose(lane, i);
      lane = endBar(lane, i);
    }
    const stopped = scan(lane);
    lane = stopped.lane;
    if (lane !== undefined && stopped.closing >= 0) {
      await fillAtClose(lane, stopped.closing);
      lane = endBar(lane, stopped.closing);
    }
  }

  await closeAtEnd(lanes, book, recorder, execute, tf);
  if (points > 0) equityValue[points - 1] = book.cashNumber + lanes.reduce((v, l) => v + l.held.value * l.lastClose, 0);
  options.onProgress?.(done, total);
  const equity = { time: equityTime.subarray(0, points), equity: equityValue.subarray(0, points) };
  const trades = recorder.trades;
  const metrics = computeMetrics({ equity, trades, startingCash: Number(spec.startingCash), exposedBars, timeframeMs: tf, feesPaid: Number(book.account.fees) });
  return { trades, equity, metrics, candles: done, signals, orders: venue.orders, refusals: venue.refusals, tradesHash: hashTrades(trades) };
}

function laneOf(spec: BacktestSpec, series: CandleSeries): Lane {
  const rules = paperMarket(series.symbol);
  if (!rules) throw new BacktestInputError("UNKNOWN_MARKET", `the paper venue lists no market ${series.symbol}`);
  const { time } = series;
  let next = 0;
  while (next < time.length && (time[next] as number) < spec.from) next++;
  let end = next;
  while (end < time.length && (time[end] as number) <= spec.to) end++;
  const source = spec.source;
  const replay = source.kind === "replay" ? source.signals.filter((r) => r.signal.symbol === series.symbol).sort((a, b) => a.at - b.at) : [];
  const strategy = source.kind === "builtin" ? createBarStrategy(source.spec) : undefined;
  return { series, rules, next, end, strategy, bar: new SeriesBar(series), replay, replayNext: 0, pending: [], pendingObservedAt: new Date(0), lastClose: 0, lastIndex: -1, held: { value: 0 } };
}

/** The lane whose next bar opens first (ties: the order the symbols were given); undefined when all are done. */
function earliest(lanes: readonly Lane[]): Lane | undefined {
  let best: Lane | undefined;
  let bestTime = Infinity;
  for (const lane of lanes) {
    if (lane.next >= lane.end) continue;
    const t = lane.series.time[lane.next] as number;
    if (t < bestTime) {
      best = lane;
      bestTime = t;
    }
  }
  return best;
}

/** What the closed bar `i` makes the lane say: its strategy's signal, or the recorded signals due by its close. */
function barSignals(lane: Lane, i: number, closedAt: number, tf: number): CanonicalSignal[] | undefined {
  if (lane.strategy) {
    const bar = lane.bar;
    bar.index = i;
    const said = lane.strategy.onBar(bar);
    return said === null ? undefined : [toCanonicalSignal(lane.series.symbol, bar, tf, said)];
  }
  let due: CanonicalSignal[] | undefined;
  while (lane.replayNext < lane.replay.length && (lane.replay[lane.replayNext] as ReplaySignal).at <= closedAt) {
    (due ??= []).push((lane.replay[lane.replayNext++] as ReplaySignal).signal);
  }
  return due;
}

/**
 * The prices a risk snapshot may use at `at`: the fill price for the trading symbol, the last close
 * for the others, each with its midnight mark.
 */
function pricesAt(prices: OrderSnapshot["prices"], lanes: readonly Lane[], lane: Lane, fillPrice: string, at: Date, tf: number, marks: MidnightMarks): void {
  prices.clear();
  for (const l of lanes) {
    if (l === lane || l.lastIndex < 0) continue;
    prices.set(l.series.symbol, { price: priceText(l.series, l.lastIndex, "close"), observedAt: new Date((l.series.time[l.lastIndex] as number) + tf), dayOpen: marks.of(l.series, at) });
  }
  prices.set(lane.series.symbol, { price: fillPrice, observedAt: at, dayOpen: marks.of(lane.series, at) });
}

/** Whatever is still open when the data ends is closed at the last close, through the same path, so every trade has an end. */
async function closeAtEnd(
  lanes: readonly Lane[],
  book: SimBook,
  recorder: TradeRecorder,
  execute: (lane: Lane, signal: CanonicalSignal, fillPrice: string, at: Date, observedAt: Date, index: number) => Promise<void>,
  tf: number,
): Promise<void> {
  recorder.closingAtEnd = true;
  book.resting = [];
  for (const lane of lanes) {
    if (!book.positions.has(lane.series.symbol) || lane.lastIndex < 0) continue;
    const at = new Date((lane.series.time[lane.lastIndex] as number) + tf);
    const close = priceText(lane.series, lane.lastIndex, "close");
    const signal: CanonicalSignal = { symbol: lane.series.symbol, intent: { action: "close" }, orderType: "market", referencePrice: close, comment: "end of data" };
    await execute(lane, signal, close, at, at, lane.lastIndex);
  }
  recorder.closingAtEnd = false;
}

/** Every field of every trade, in order, as canonical JSON: a change anywhere changes the hash. */
export function hashTrades(trades: readonly BacktestTrade[]): string {
  return createHash("sha256").update(JSON.stringify(trades)).digest("hex");
}
