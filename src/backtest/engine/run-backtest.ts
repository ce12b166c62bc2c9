import { createHash } from "node:crypto";
import type { ClaimedSignal } from "../../db/repositories/signal-queue-repository.js";
import type { MarketRules } from "../../domain/market.js";
import { numberToDecimal, type CanonicalSignal } from "../../domain/signal.js";
import { paperMarket } from "../../execution/paper/paper-markets.js";
import { timeframeMs } from "../../market-data/timeframes.js";
import type { Bar, BarStrategy } from "../../strategy/builtin/bar-strategy.js";
import { createBarStrategy } from "../../strategy/builtin/registry.js";
import { toCanonicalSignal } from "../../strategy/builtin/to-canonical-signal.js";
import { tradeSignal } from "../../strategy/trade-signal.js";
import { computeMetrics } from "../metrics.js";
import type { BacktestMetrics, BacktestSpec, BacktestTrade, CandleSeries, EquityCurve, ReplaySignal } from "../types.js";
import { BACKTEST_ACCOUNT_ID, SimBook } from "./sim-book.js";
import { sequentialIds } from "./sim-ids.js";
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
  const bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };

  const execute = async (lane: Lane, signal: CanonicalSignal, fillPrice: string, at: Date, observedAt: Date, index: number) => {
    venue.now = at;
    venue.fillPrice = fillPrice;
    venue.bar = index;
    venue.prices = pricesAt(lanes, lane, fillPrice, at, tf);
    signals++;
    const claimed: ClaimedSignal = { id: ids.next("sig"), deliveryId: "", strategyId: BACKTEST_STRATEGY_ID, source: "backtest", symbol: lane.series.symbol, lane: "", signal, attempts: 1, receivedAt: observedAt };
    const position = book.positions.get(lane.series.symbol);
    const result = await tradeSignal({ claimed, config: spec.config, positionQuantity: position?.quantity, lastPrice: undefined, rules: lane.rules, accountId: BACKTEST_ACCOUNT_ID, place: venue.place });
    if (result.outcome === "NO_ACTION" && typeof result.reason === "string") venue.refusals[result.reason] = (venue.refusals[result.reason] ?? 0) + 1;
  };

  const single = lanes.length === 1;
  let lane = earliest(lanes);
  while (lane !== undefined) {
    const i = lane.next++;
    const s = lane.series;
    const time = s.time[i] as number;
    const open = s.open[i] as number;
    venue.bar = i;
    // The bar opens: signals decided at the previous close fill now (next_open).
    if (lane.pending.length > 0) {
      const at = new Date(time);
      const openText = priceText(s, i, "open");
      for (const signal of lane.pending.splice(0)) await execute(lane, signal, openText, at, lane.pendingObservedAt, i);
    }
    if (book.resting.length > 0) {
      venue.onBar(s.symbol, { open, high: s.high[i] as number, low: s.low[i] as number, openText: priceText(s, i, "open"), at: new Date(time), index: i });
    }
    // The bar closes: the strategy sees it, and only now.
    const close = s.close[i] as number;
    lane.lastClose = close;
    lane.lastIndex = i;
    const closedAt = time + tf;
    const decided = barSignals(lane, bar, i, closedAt, tf);
    if (decided !== undefined) {
      const observedAt = new Date(closedAt);
      if (spec.fillModel === "this_close") {
        for (const signal of decided) await execute(lane, signal, priceText(s, i, "close"), observedAt, observedAt, i);
      } else {
        lane.pending.push(...decided);
        lane.pendingObservedAt = observedAt;
      }
    }
    // One equity point per instant, once every symbol's bar of that instant is in.
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
    lane = following;
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
  return { series, rules, next, end, strategy, replay, replayNext: 0, pending: [], pendingObservedAt: new Date(0), lastClose: 0, lastIndex: -1, held: { value: 0 } };
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
function barSignals(lane: Lane, bar: Bar, i: number, closedAt: number, tf: number): CanonicalSignal[] | undefined {
  const s = lane.series;
  if (lane.strategy) {
    bar.time = s.time[i] as number;
    bar.open = s.open[i] as number;
    bar.high = s.high[i] as number;
    bar.low = s.low[i] as number;
    bar.close = s.close[i] as number;
    bar.volume = s.volume[i] as number;
    const said = lane.strategy.onBar(bar);
    return said === null ? undefined : [toCanonicalSignal(s.symbol, bar, tf, said)];
  }
  let due: CanonicalSignal[] | undefined;
  while (lane.replayNext < lane.replay.length && (lane.replay[lane.replayNext] as ReplaySignal).at <= closedAt) {
    (due ??= []).push((lane.replay[lane.replayNext++] as ReplaySignal).signal);
  }
  return due;
}

/** The prices a risk snapshot may use at `at`: the fill price for the trading symbol, the last close for the others. */
function pricesAt(lanes: readonly Lane[], lane: Lane, fillPrice: string, at: Date, tf: number): Map<string, { price: string; observedAt: Date }> {
  const prices = new Map<string, { price: string; observedAt: Date }>();
  for (const l of lanes) {
    if (l === lane || l.lastIndex < 0) continue;
    prices.set(l.series.symbol, { price: priceText(l.series, l.lastIndex, "close"), observedAt: new Date((l.series.time[l.lastIndex] as number) + tf) });
  }
  prices.set(lane.series.symbol, { price: fillPrice, observedAt: at });
  return prices;
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

export function priceText(series: CandleSeries, index: number, field: "open" | "high" | "low" | "close"): string {
  return series.priceText ? series.priceText(index, field) : numberToDecimal(series[field][index] as number);
}

/** Every field of every trade, in order, as canonical JSON: a change anywhere changes the hash. */
export function hashTrades(trades: readonly BacktestTrade[]): string {
  return createHash("sha256").update(JSON.stringify(trades)).digest("hex");
}
