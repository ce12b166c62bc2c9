import { createHash } from "node:crypto";
import { z } from "zod";
import type { BuiltinStrategyType } from "../../strategy/builtin/registry.js";
import { BacktestCancelledError, runBacktest } from "../engine/run-backtest.js";
import type { BacktestMetrics, BacktestSpec, CandleSeries } from "../types.js";
import { gridCandidates, randomCandidates, type Candidate } from "./candidates.js";
import { compareRanked, fitness, FitnessOptionsSchema, overfitHint, type FitnessOptions } from "./fitness.js";
import { ParameterSpaceSchema, parseParameterSpace } from "./parameter-space.js";
import { ResearchInputError } from "./research-error.js";
import { splitRange, type SplitRange } from "./split-range.js";

export const SEARCH_METHODS = ["grid", "random"] as const;
export type SearchMethod = (typeof SEARCH_METHODS)[number];

/** The most candidates any search may run, whatever maxCandidates asks for. */
export const MAX_CANDIDATES_LIMIT = 5000;
export const DEFAULT_MAX_CANDIDATES = 200;
export const DEFAULT_SAMPLES = 50;

/** The serializable part of a search request: what a job can store and replay. */
export const SearchOptionsSchema = z
  .strictObject({
    /** Param name → a list of values or { min, max, step? }; checked against the strategy type when the search starts. */
    space: ParameterSpaceSchema.default({}),
    method: z.enum(SEARCH_METHODS),
    /** Random only: how many distinct valid candidates to draw (default 50, at most maxCandidates). */
    samples: z.int().min(1).max(MAX_CANDIDATES_LIMIT).optional(),
    /** Random only; integers in 0..2^32 − 1, as the seeded generator keeps 32 bits. */
    seed: z.int().min(0).max(0xffff_ffff).default(1),
    split: z.strictObject({ inSampleFraction: z.number().gt(0).lt(1).default(0.7) }).prefault({}),
    fitness: FitnessOptionsSchema.prefault({}),
    /** How many of the best in-sample candidates are re-run out of sample. */
    topN: z.int().min(1).max(100).default(10),
    maxCandidates: z.int().min(1).max(MAX_CANDIDATES_LIMIT).default(DEFAULT_MAX_CANDIDATES),
  })
  .check((ctx) => {
    const { method, samples, maxCandidates } = ctx.value;
    if (samples === undefined) return;
    if (method === "grid") ctx.issues.push({ code: "custom", input: samples, path: ["samples"], message: "samples applies to random search only: a grid runs every combination" });
    else if (samples > maxCandidates) ctx.issues.push({ code: "custom", input: samples, path: ["samples"], message: `samples must be at most maxCandidates (${maxCandidates})` });
  });
export type SearchOptions = z.infer<typeof SearchOptionsSchema>;
export type SearchOptionsInput = z.input<typeof SearchOptionsSchema>;

export type SearchProgress = { readonly phase: "in_sample" | "out_of_sample"; readonly done: number; readonly total: number };

export type SearchInput = SearchOptionsInput & {
  /** The backtest every candidate runs: its source must be a built-in strategy, whose params are the defaults of the space. */
  readonly base: BacktestSpec;
  readonly series: readonly CandleSeries[];
  /** Called after each candidate's run. */
  readonly onProgress?: (progress: SearchProgress) => void;
  /** Read between candidates (and by the engine between bars); true stops the search with a BacktestCancelledError. */
  readonly isCancelled?: () => boolean;
};

export type RunScore = {
  readonly metrics: BacktestMetrics;
  /** null: fewer trades than fitness.minTrades. */
  readonly fitness: number | null;
  readonly tradesHash: string;
};

export type RankedCandidate = {
  /** 1 is the best in-sample fitness. */
  readonly rank: number;
  readonly key: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inSample: RunScore;
  /** Only for the top N with a fitness; null for the rest. */
  readonly outOfSample: RunScore | null;
  /** In-sample − out-of-sample fitness, and whether that drop flags overfitting (see fitness.ts); null when not judged. */
  readonly fitnessDrop: number | null;
  readonly overfit: boolean | null;
};

export type SearchResult = {
  readonly strategyType: BuiltinStrategyType;
  readonly method: SearchMethod;
  /** The seed random search drew with; null for a grid. */
  readonly seed: number | null;
  readonly split: SplitRange;
  readonly fitness: FitnessOptions;
  readonly counts: {
    /** Combinations the grid spans, or draws the random search made. */
    readonly combinations: number;
    readonly run: number;
    readonly invalid: number;
    readonly duplicates: number;
    readonly tooFewTrades: number;
    readonly outOfSample: number;
  };
  /** Refused combinations by the strategy schema's message. */
  readonly invalidReasons: Readonly<Record<string, number>>;
  /** Every candidate run, best first. */
  readonly ranking: readonly RankedCandidate[];
  /** sha256 of the ranking as JSON: the same inputs and seed give the same hash. */
  readonly rankingHash: string;
};

/**
 * Searches a built-in strategy's params: every candidate of the space (grid, or seeded random
 * draws) runs on the in-sample part of the range and is ranked by fitness; the best `topN` with a
 * fitness run again on the out-of-sample part, which no candidate was chosen on. Runs one backtest
 * at a time and yields to the event loop between them, so progress is reported and a cancel is
 * seen between candidates. Throws ResearchInputError before any run when the request cannot run.
 */
export async function searchParameters(input: SearchInput): Promise<SearchResult> {
  const { base, series, onProgress, isCancelled, ...rest } = input;
  const source = base.source;
  if (source.kind !== "builtin") {
    throw new ResearchInputError("NOT_BUILTIN", "a parameter search varies a built-in strategy's params; a replay has none", [{ path: "source", message: "must be a built-in strategy" }]);
  }
  const options = parseOptions(rest);
  const space = parseParameterSpace(source.spec.type, options.space);
  const set =
    options.method === "grid"
      ? gridCandidates(source.spec, space, options.maxCandidates)
      : randomCandidates(source.spec, space, options.samples ?? Math.min(DEFAULT_SAMPLES, options.maxCandidates), options.seed);
  if (set.candidates.length === 0) {
    const reasons = Object.entries(set.invalidReasons).map(([message, count]) => ({ path: "space", message: `${count} × ${message}` }));
    throw new ResearchInputError("NO_VALID_CANDIDATES", `no combination of the space passes the ${source.spec.type} params schema`, reasons);
  }
  const split = splitRange(base, series, options.split.inSampleFraction);
  const inSampleSpec: BacktestSpec = { ...base, to: Math.min(base.to, split.cutTime - 1) };
  const outOfSampleSpec: BacktestSpec = { ...base, from: Math.max(base.from, split.cutTime) };

  const runs: { candidate: Candidate; key: string; fitness: number | null; score: RunScore }[] = [];
  for (const candidate of set.candidates) {
    await nextTurn(isCancelled);
    const score = await scoreRun(inSampleSpec, candidate, series, options.fitness, isCancelled);
    runs.push({ candidate, key: candidate.key, fitness: score.fitness, score });
    onProgress?.({ phase: "in_sample", done: runs.length, total: set.candidates.length });
  }
  runs.sort(compareRanked);

  const top = runs.filter((r) => r.fitness !== null).slice(0, options.topN);
  const outOfSample = new Map<string, RunScore>();
  for (const run of top) {
    await nextTurn(isCancelled);
    outOfSample.set(run.key, await scoreRun(outOfSampleSpec, run.candidate, series, options.fitness, isCancelled));
    onProgress?.({ phase: "out_of_sample", done: outOfSample.size, total: top.length });
  }

  const ranking: RankedCandidate[] = runs.map((run, i) => {
    const oos = outOfSample.get(run.key) ?? null;
    const hint = oos ? overfitHint(run.fitness, oos.fitness) : { fitnessDrop: null, overfit: null };
    return { rank: i + 1, key: run.key, params: run.candidate.params, inSample: run.score, outOfSample: oos, ...hint };
  });
  return {
    strategyType: source.spec.type,
    method: options.method,
    seed: options.method === "random" ? options.seed : null,
    split,
    fitness: options.fitness,
    counts: {
      combinations: set.combinations,
      run: runs.length,
      invalid: set.invalid,
      duplicates: set.duplicates,
      tooFewTrades: runs.filter((r) => r.fitness === null).length,
      outOfSample: top.length,
    },
    invalidReasons: set.invalidReasons,
    ranking,
    rankingHash: createHash("sha256").update(JSON.stringify(ranking)).digest("hex"),
  };
}

function parseOptions(input: unknown): SearchOptions {
  const parsed = SearchOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new ResearchInputError("SEARCH_INVALID", `the search request is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
}

async function scoreRun(spec: BacktestSpec, candidate: Candidate, series: readonly CandleSeries[], options: FitnessOptions, isCancelled: (() => boolean) | undefined): Promise<RunScore> {
  const result = await runBacktest({ ...spec, source: { kind: "builtin", spec: candidate.spec } }, series, isCancelled ? { isCancelled } : {});
  return { metrics: result.metrics, fitness: fitness(result.metrics, options), tradesHash: result.tradesHash };
}

/** A macrotask turn (timers and I/O run), then the cancel check: a search never holds the loop between runs. */
async function nextTurn(isCancelled: (() => boolean) | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (isCancelled?.()) throw new BacktestCancelledError();
}
