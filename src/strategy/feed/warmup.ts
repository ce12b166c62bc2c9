import type { BuiltinStrategySpec } from "../builtin/registry.js";

/** The most candles read to rebuild a strategy before its cursor: a bound on each pass's work. */
export const MAX_WARMUP_BARS = 5000;
/** The least, so a side a strategy holds (Bollinger's bias, an ensemble's votes) survives a quiet spell. */
export const MIN_WARMUP_BARS = 200;
/** How little an exponential average's seed may still weigh once warmed up: far below what a comment shows. */
const SEED_WEIGHT = 1e-12;

/**
 * How a strategy's indicators forget their start: `seed` bars before the first value, then a
 * remembered weight multiplied by `decay` per bar (0: a moving window, exact once full).
 */
type Memory = { seed: number; decay: number };

function memoryOf(spec: BuiltinStrategySpec): Memory {
  switch (spec.type) {
    case "rsi":
      // Wilder's smoothing, alpha 1/period, over period + 1 closes (one change per pair).
      return { seed: spec.params.period + 1, decay: 1 - 1 / spec.params.period };
    case "macd": {
      const { fast, slow, signal } = spec.params;
      return { seed: slow + signal, decay: 1 - 2 / (Math.max(fast, slow, signal) + 1) };
    }
    case "bollinger":
      return { seed: spec.params.period, decay: 0 };
    case "sma-cross":
      return { seed: spec.params.slow, decay: 0 };
    case "ensemble":
      return spec.params.members.map(memoryOf).reduce((a, b) => ({ seed: Math.max(a.seed, b.seed), decay: Math.max(a.decay, b.decay) }));
  }
}

/**
 * How many stored candles before the cursor rebuild a strategy's state: its look-back, plus the bars
 * an exponential average needs for its seed to weigh under 1e-12 (about 390 for RSI 14), plus one
 * for the previous value a crossing compares with. A moving window is exact once full; a held side
 * older than the warm-up is forgotten. Between MIN_WARMUP_BARS and MAX_WARMUP_BARS.
 */
export function warmupBars(spec: BuiltinStrategySpec): number {
  const { seed, decay } = memoryOf(spec);
  const forget = decay > 0 ? Math.ceil(Math.log(SEED_WEIGHT) / Math.log(decay)) : 0;
  return Math.min(MAX_WARMUP_BARS, Math.max(MIN_WARMUP_BARS, seed + forget + 1));
}
