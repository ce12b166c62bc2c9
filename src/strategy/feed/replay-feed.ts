import type { FeedCandle } from "../../db/repositories/candle-feed-repository.js";
import type { CanonicalSignal } from "../../domain/signal.js";
import type { Bar } from "../builtin/bar-strategy.js";
import { createBarStrategy, type BuiltinStrategySpec } from "../builtin/registry.js";
import { toCanonicalSignal } from "../builtin/to-canonical-signal.js";

export type FeedDecision = { readonly candle: FeedCandle; readonly signal: CanonicalSignal };

/**
 * A fresh strategy fed `warmup` (what it says there was said on an earlier pass and is dropped),
 * then `fresh`, in that order: the canonical signals it gives on the fresh candles, each with the
 * candle it closed on. Prices become numbers as a backtest's series holds them.
 */
export function replayFeed(input: {
  spec: BuiltinStrategySpec;
  symbol: string;
  timeframeMs: number;
  warmup: readonly FeedCandle[];
  fresh: readonly FeedCandle[];
}): FeedDecision[] {
  const strategy = createBarStrategy(input.spec);
  const bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const load = (c: FeedCandle) => {
    bar.time = c.openTime.getTime();
    bar.open = Number(c.open);
    bar.high = Number(c.high);
    bar.low = Number(c.low);
    bar.close = Number(c.close);
    bar.volume = Number(c.volume);
    return bar;
  };
  for (const candle of input.warmup) strategy.onBar(load(candle));
  const decisions: FeedDecision[] = [];
  for (const candle of input.fresh) {
    const said = strategy.onBar(load(candle));
    if (said) decisions.push({ candle, signal: toCanonicalSignal(input.symbol, bar, input.timeframeMs, said) });
  }
  return decisions;
}
