import { dec } from "../../domain/decimal.js";
import { seededRandom } from "../../lib/seeded-random.js";
import { BuiltinStrategySpecSchema, type BuiltinStrategySpec } from "../../strategy/builtin/registry.js";
import { isRange, searchableParams, type Dimension, type ParamKind, type ParamValue, type ParameterSpace } from "./parameter-space.js";
import { ResearchInputError } from "./research-error.js";

/** Random search stops after this many draws per wanted sample, however many were invalid or repeats. */
export const RANDOM_DRAWS_PER_SAMPLE = 20;

export type Candidate = {
  /** Canonical params text (keys sorted, defaults filled in): the candidate's identity and tie-break. */
  readonly key: string;
  /** Every param as the strategy's own schema parsed it. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly spec: BuiltinStrategySpec;
};

export type CandidateSet = {
  /** In the order they were generated: the grid's (last param fastest) or the draws'. */
  readonly candidates: readonly Candidate[];
  /** Combinations the grid spans, or draws the random search made. */
  readonly combinations: number;
  /** Combinations the strategy's params schema refused (never run), and its first message for each. */
  readonly invalid: number;
  readonly invalidReasons: Readonly<Record<string, number>>;
  /** Random draws of a combination already drawn, and combinations whose parsed params repeat another's. */
  readonly duplicates: number;
};

/** One searched param: how many values a grid takes (Infinity for a continuous range) and how to get one. */
type Axis = {
  readonly name: string;
  readonly size: number;
  /** The k-th value, 0 ≤ k < size. */
  readonly at: (k: number) => ParamValue;
  /** A value for a uniform u in [0, 1). */
  readonly draw: (u: number) => ParamValue;
};

/**
 * Every combination of the space's values (the cartesian product, params in the strategy schema's
 * order, the last one varying fastest), each checked by the strategy's own schema. Throws
 * TOO_MANY_CANDIDATES before anything is enumerated when the product exceeds `maxCandidates`.
 */
export function gridCandidates(base: BuiltinStrategySpec, space: ParameterSpace, maxCandidates: number): CandidateSet {
  const axes = axesOf(base, space);
  const continuous = axes.find((a) => !Number.isFinite(a.size));
  if (continuous) {
    throw new ResearchInputError("SPACE_INVALID", `a grid needs a step for ${continuous.name}: it is not a whole number`, [
      { path: `space.${continuous.name}.step`, message: "required for a grid over a param that is not a whole number" },
    ]);
  }
  const combinations = axes.reduce((product, a) => product * a.size, 1);
  if (combinations > maxCandidates) {
    const sizes = axes.map((a) => `${a.name} ${a.size}`).join(" × ");
    throw new ResearchInputError(
      "TOO_MANY_CANDIDATES",
      `the grid spans ${combinations} combinations (${sizes}); at most ${maxCandidates} (maxCandidates): narrow a range, widen a step or search at random`,
      [{ path: "space", message: `${combinations} combinations, at most ${maxCandidates}` }],
    );
  }
  const collector = new Collector(base);
  for (let c = 0; c < combinations; c++) {
    const chosen: Record<string, ParamValue> = {};
    let rest = c;
    for (let i = axes.length - 1; i >= 0; i--) {
      const axis = axes[i] as Axis;
      chosen[axis.name] = axis.at(rest % axis.size);
      rest = Math.floor(rest / axis.size);
    }
    collector.add(chosen);
  }
  return collector.result(combinations, 0);
}

/**
 * Up to `samples` distinct valid candidates drawn uniformly per param (one draw per param, in the
 * schema's order, from a generator seeded with `seed`). A repeated combination is counted, not run;
 * drawing stops once a finite space is exhausted or after RANDOM_DRAWS_PER_SAMPLE × samples draws.
 */
export function randomCandidates(base: BuiltinStrategySpec, space: ParameterSpace, samples: number, seed: number): CandidateSet {
  const axes = axesOf(base, space);
  const finite = axes.reduce((product, a) => product * a.size, 1);
  const random = seededRandom(seed);
  const collector = new Collector(base);
  const drawn = new Set<string>();
  let draws = 0;
  let duplicates = 0;
  while (collector.candidates.length < samples && drawn.size < finite && draws < samples * RANDOM_DRAWS_PER_SAMPLE) {
    draws++;
    const chosen: Record<string, ParamValue> = {};
    for (const axis of axes) chosen[axis.name] = axis.draw(random());
    const text = canonicalJson(chosen);
    if (drawn.has(text)) {
      duplicates++;
      continue;
    }
    drawn.add(text);
    collector.add(chosen);
  }
  return collector.result(draws, duplicates);
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function axesOf(base: BuiltinStrategySpec, space: ParameterSpace): Axis[] {
  const kinds = searchableParams(base.type);
  return Object.entries(kinds).flatMap(([name, kind]) => {
    const dimension = space[name];
    return dimension === undefined ? [] : [axisOf(name, dimension, kind)];
  });
}

function axisOf(name: string, dimension: Dimension, kind: ParamKind): Axis {
  if (!isRange(dimension)) {
    const values = dimension;
    return { name, size: values.length, at: (k) => values[k] as ParamValue, draw: (u) => values[Math.floor(u * values.length)] as ParamValue };
  }
  const { min, max } = dimension;
  const step = dimension.step ?? (kind.kind === "int" ? 1 : undefined);
  if (step === undefined) return { name, size: Infinity, at: () => min, draw: (u) => min + u * (max - min) };
  // Exact decimal steps: 0.1 + 0.2 must be the 0.3 a user typed, not 0.30000000000000004.
  const size = dec(max).minus(min).div(step).floor().toNumber() + 1;
  const at = (k: number) => dec(step).times(k).plus(min).toNumber();
  return { name, size, at, draw: (u) => at(Math.floor(u * size)) };
}

/** Validates combinations with the strategy's own schema and keeps the first of each distinct params. */
class Collector {
  readonly candidates: Candidate[] = [];
  readonly #keys = new Set<string>();
  readonly #invalidReasons: Record<string, number> = {};
  #invalid = 0;
  #duplicates = 0;

  constructor(readonly base: BuiltinStrategySpec) {}

  add(chosen: Record<string, ParamValue>): void {
    const parsed = BuiltinStrategySpecSchema.safeParse({ type: this.base.type, params: { ...this.base.params, ...chosen } });
    if (!parsed.success) {
      this.#invalid++;
      const reason = parsed.error.issues[0]?.message ?? "invalid";
      this.#invalidReasons[reason] = (this.#invalidReasons[reason] ?? 0) + 1;
      return;
    }
    const params = parsed.data.params as Record<string, unknown>;
    const key = canonicalJson(params);
    if (this.#keys.has(key)) {
      this.#duplicates++;
      return;
    }
    this.#keys.add(key);
    this.candidates.push({ key, params, spec: parsed.data });
  }

  result(combinations: number, drawnAgain: number): CandidateSet {
    return { candidates: this.candidates, combinations, invalid: this.#invalid, invalidReasons: this.#invalidReasons, duplicates: drawnAgain + this.#duplicates };
  }
}
