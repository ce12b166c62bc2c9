import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BacktestCancelledError, runBacktest } from "../../src/backtest/engine/run-backtest.js";
import { overfitHint } from "../../src/backtest/research/fitness.js";
import { ResearchInputError } from "../../src/backtest/research/research-error.js";
import { searchParameters, type SearchInput, type SearchProgress, type SearchResult } from "../../src/backtest/research/search-parameters.js";
import { splitRange } from "../../src/backtest/research/split-range.js";
import type { BacktestSpec, CandleSeries } from "../../src/backtest/types.js";
import { StrategyConfigSchema } from "../../src/domain/strategy-config.js";
import type { BuiltinStrategySpec } from "../../src/strategy/builtin/registry.js";
import { loadCandleSeries, seriesFromRows } from "../helpers/candle-series.js";

const HOUR = 3_600_000;
const year = loadCandleSeries("binance_BTCUSDT_1h.csv", "BTC/USDT");
const RSI: BuiltinStrategySpec = { type: "rsi", params: { period: 14, oversold: 30, overbought: 70, allowShort: false } };

function spec(strategy: BuiltinStrategySpec = RSI): BacktestSpec {
  return {
    symbols: ["BTC/USDT"],
    timeframe: "1h",
    from: 0,
    to: Number.MAX_SAFE_INTEGER,
    startingCash: "10000",
    makerFeeBps: "10",
    takerFeeBps: "10",
    slippageBps: "0",
    fillModel: "next_open",
    source: { kind: "builtin", spec: strategy },
    config: StrategyConfigSchema.parse({ sizing: { type: "fixed_quote", notional: "1000" } }),
  };
}

const SPACE = { period: [7, 14, 21], oversold: [25, 30], overbought: [70, 75] };
const search = (overrides: Partial<SearchInput> = {}, series: readonly CandleSeries[] = [year]) =>
  searchParameters({ base: spec(), series, method: "grid", space: SPACE, ...overrides });

/** The fixture with the prices of the candles where `pick(time)` holds scaled by `factor(index)`: same times, other trades. */
function scrambled(pick: (time: number) => boolean, factor: (index: number) => number): CandleSeries {
  const rows = year.text.map((row, i) => (pick(Number(row[0])) ? [row[0] as string, ...row.slice(1, 5).map((v) => (Number(v) * factor(i)).toFixed(2)), row[5] as string] : row));
  return seriesFromRows("BTC/USDT", rows);
}

const byKey = (result: SearchResult) => new Map(result.ranking.map((r) => [r.key, r]));

describe("the split", () => {
  it("cuts the time span at the fraction, on a candle boundary, at one instant for every symbol", () => {
    // A: bars 0..9; B: bars 5..19 with bar 12 missing. The span is 20 slots; 0.7 of it is 14.
    const t0 = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);
    const bars = (symbol: string, indexes: number[]) => seriesFromRows(symbol, indexes.map((i) => [String(t0 + i * HOUR), "1", "1", "1", "1", "1"]));
    const a = bars("BTC/USDT", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = bars("ETH/USDT", [5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19]);
    const split = splitRange({ from: 0, to: Number.MAX_SAFE_INTEGER, timeframe: "1h" }, [a, b], 0.7);
    expect(split).toEqual({
      cutTime: t0 + 14 * HOUR,
      inSample: { from: t0, to: t0 + 13 * HOUR, candles: 10 + 8 },
      outOfSample: { from: t0 + 14 * HOUR, to: t0 + 19 * HOUR, candles: 6 },
    });
    // from and to narrow the span before it is cut: bars 10..19 are 10 slots, cut after 5.
    expect(splitRange({ from: t0 + 10 * HOUR, to: t0 + 19 * HOUR, timeframe: "1h" }, [a, b], 0.5).cutTime).toBe(t0 + 15 * HOUR);
  });

  it("refuses a split that leaves one side without candles", () => {
    const three = seriesFromRows("BTC/USDT", year.text.slice(0, 3));
    const err = (() => {
      try {
        splitRange({ from: 0, to: Number.MAX_SAFE_INTEGER, timeframe: "1h" }, [three], 0.1);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ResearchInputError);
    expect((err as ResearchInputError).code).toBe("SPLIT_EMPTY");
    expect((err as ResearchInputError).message).toContain("in-sample part has no candles");
  });

  it("runs in-sample on candles before the cut only and out-of-sample on candles from the cut only", async () => {
    const options = { topN: 12, fitness: { minTrades: 1 } };
    const original = await search(options);
    const cut = original.split.cutTime;
    expect(cut).toBe((year.time[0] as number) + Math.round(0.7 * year.time.length) * HOUR);
    expect(original.counts.outOfSample).toBe(12);

    // Other prices after the cut: every in-sample score is unchanged, and some out-of-sample one is not.
    const after = byKey(await search(options, [scrambled((t) => t >= cut, (i) => (i % 2 ? 1.07 : 0.93))]));
    // Prices before the cut half as high again: the RSI's signals there stay, their PnL changes, and
    // an out-of-sample run that saw a single bar before the cut would meet a 33% fall at the cut.
    const before = byKey(await search(options, [scrambled((t) => t < cut, () => 1.5)]));
    let outOfSampleChanged = 0;
    let inSampleChanged = 0;
    for (const run of original.ranking) {
      expect(after.get(run.key)?.inSample).toEqual(run.inSample);
      expect(before.get(run.key)?.outOfSample).toEqual(run.outOfSample);
      if (after.get(run.key)?.outOfSample?.tradesHash !== run.outOfSample?.tradesHash) outOfSampleChanged++;
      if (before.get(run.key)?.inSample.tradesHash !== run.inSample.tradesHash) inSampleChanged++;
    }
    expect(outOfSampleChanged).toBeGreaterThan(0);
    expect(inSampleChanged).toBeGreaterThan(0);
  });

  it("reports runs over exactly the candles and trades on each side", async () => {
    const result = await search({ topN: 1 });
    const best = result.ranking[0];
    if (!best?.outOfSample) throw new Error("expected an out-of-sample run of the best candidate");
    const { cutTime, inSample, outOfSample } = result.split;
    const before = Array.from(year.time).filter((t) => t < cutTime).length;
    expect(inSample.candles).toBe(before);
    expect(outOfSample.candles).toBe(year.time.length - before);
    const strategy = { ...spec(), source: { kind: "builtin" as const, spec: { type: "rsi" as const, params: best.params } } } as BacktestSpec;
    const ins = await runBacktest({ ...strategy, to: inSample.to }, [year]);
    const oos = await runBacktest({ ...strategy, from: outOfSample.from }, [year]);
    expect(ins.tradesHash).toBe(best.inSample.tradesHash);
    expect(oos.tradesHash).toBe(best.outOfSample.tradesHash);
    expect(ins.candles).toBe(inSample.candles);
    expect(oos.candles).toBe(outOfSample.candles);
    expect(ins.trades.length).toBeGreaterThan(0);
    expect(oos.trades.length).toBeGreaterThan(0);
    for (const t of ins.trades) expect(t.exitTime).toBeLessThanOrEqual(cutTime);
    for (const t of oos.trades) expect(t.entryTime).toBeGreaterThanOrEqual(cutTime);
  });
});

describe("ranking", () => {
  it("ranks by a fitness recomputed independently, best first, too few trades last", async () => {
    const result = await search();
    const cut = result.split.cutTime;
    const expected: { key: string; fitness: number | null }[] = [];
    for (const period of SPACE.period) {
      for (const oversold of SPACE.oversold) {
        for (const overbought of SPACE.overbought) {
          const params = { allowShort: false, overbought, oversold, period };
          const run = await runBacktest({ ...spec({ type: "rsi", params }), to: cut - 1 }, [year]);
          const { profitFactor, winRate, maxDrawdown, trades } = run.metrics;
          const score = trades < 10 ? null : (0.5 * Math.min(profitFactor ?? 3, 3)) / 3 + 0.2 * (winRate as number) - 0.3 * maxDrawdown;
          expected.push({ key: JSON.stringify(params), fitness: score });
        }
      }
    }
    const scored = expected.filter((e) => e.fitness !== null);
    expect(scored.length).toBeGreaterThan(1);
    expect(scored.length).toBeLessThan(expected.length);
    const argmax = scored.reduce((best, e) => ((e.fitness as number) > (best.fitness as number) ? e : best));
    expect(result.ranking[0]?.key).toBe(argmax.key);
    expect(result.ranking.map((r) => r.key).sort()).toEqual(expected.map((e) => e.key).sort());
    for (const run of result.ranking) {
      const mine = expected.find((e) => e.key === run.key)?.fitness;
      if (mine === null) expect(run.inSample.fitness).toBeNull();
      else expect(run.inSample.fitness).toBeCloseTo(mine as number, 12);
    }
    const fitnesses = result.ranking.map((r) => r.inSample.fitness);
    const firstNull = fitnesses.indexOf(null);
    expect(fitnesses.slice(firstNull).every((f) => f === null)).toBe(true);
    expect(result.counts.tooFewTrades).toBe(expected.length - scored.length);
    const numbers = fitnesses.slice(0, firstNull) as number[];
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(result.ranking.map((r) => r.rank)).toEqual(expected.map((_, i) => i + 1));
  });

  it("re-runs only the top N with a fitness out of sample, each with its overfit hint", async () => {
    const result = await search({ topN: 3 });
    expect(result.counts).toMatchObject({ combinations: 12, run: 12, invalid: 0, outOfSample: 3 });
    result.ranking.forEach((run, i) => {
      if (i < 3) {
        expect(run.inSample.fitness).not.toBeNull();
        expect(run.outOfSample?.metrics.trades).toBeGreaterThanOrEqual(0);
        expect({ fitnessDrop: run.fitnessDrop, overfit: run.overfit }).toEqual(overfitHint(run.inSample.fitness, run.outOfSample?.fitness ?? null));
      } else {
        expect(run.outOfSample).toBeNull();
        expect(run.overfit).toBeNull();
      }
    });
  });

  it("gives the same result, and ranking hash, for the same inputs and seed", async () => {
    const random = { method: "random" as const, space: { period: { min: 5, max: 30 }, oversold: { min: 20, max: 35 } }, samples: 6, topN: 2, fitness: { minTrades: 3 } };
    const [a, b, c] = [await search({ ...random, seed: 5 }), await search({ ...random, seed: 5 }), await search({ ...random, seed: 6 })];
    expect(b).toEqual(a);
    expect(b.rankingHash).toBe(a.rankingHash);
    expect(a.rankingHash).toBe(createHash("sha256").update(JSON.stringify(a.ranking)).digest("hex"));
    expect(a.seed).toBe(5);
    expect(c.rankingHash).not.toBe(a.rankingHash);
  });
});

describe("running", () => {
  it("reports progress after each run, in-sample then out-of-sample", async () => {
    const progress: SearchProgress[] = [];
    await search({ space: { period: [7, 14, 21] }, topN: 2, fitness: { minTrades: 1 }, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { phase: "in_sample", done: 1, total: 3 },
      { phase: "in_sample", done: 2, total: 3 },
      { phase: "in_sample", done: 3, total: 3 },
      { phase: "out_of_sample", done: 1, total: 2 },
      { phase: "out_of_sample", done: 2, total: 2 },
    ]);
  });

  it("stops between candidates when cancelled", async () => {
    let runs = 0;
    const cancelled = search({ onProgress: () => runs++, isCancelled: () => runs >= 2 });
    await expect(cancelled).rejects.toBeInstanceOf(BacktestCancelledError);
    expect(runs).toBe(2);
  });

  it("yields to the event loop between candidates, so a cancel from a timer is seen", async () => {
    let cancel = false;
    let runs = 0;
    setImmediate(() => (cancel = true));
    await expect(search({ onProgress: () => runs++, isCancelled: () => cancel })).rejects.toBeInstanceOf(BacktestCancelledError);
    expect(runs).toBeLessThan(12);
  });

  it("refuses what it cannot run before running anything", async () => {
    const code = async (input: Partial<SearchInput>) => {
      let runs = 0;
      const error = await search({ ...input, onProgress: () => runs++ }).catch((e: unknown) => e);
      expect(runs).toBe(0);
      return error instanceof ResearchInputError ? error.code : error;
    };
    expect(await code({ base: { ...spec(), source: { kind: "replay", signals: [] } } })).toBe("NOT_BUILTIN");
    expect(await code({ base: spec({ type: "sma-cross", params: { fast: 10, slow: 30, allowShort: false } }), space: { fast: [20, 30], slow: [15] } })).toBe("NO_VALID_CANDIDATES");
    expect(await code({ space: { period: [1.5] } })).toBe("SPACE_INVALID");
    expect(await code({ space: { period: { min: 2, max: 500 } }, maxCandidates: 100 })).toBe("TOO_MANY_CANDIDATES");
    expect(await code({ maxCandidates: 5001 })).toBe("SEARCH_INVALID");
    expect(await code({ samples: 5 })).toBe("SEARCH_INVALID");
    expect(await code({ method: "random", samples: 20, maxCandidates: 10 })).toBe("SEARCH_INVALID");
    expect(await code({ split: { inSampleFraction: 1 } })).toBe("SEARCH_INVALID");
  });
});
