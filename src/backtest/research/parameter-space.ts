import { z } from "zod";
import { BollingerParamsSchema } from "../../strategy/builtin/bollinger-strategy.js";
import { MacdParamsSchema } from "../../strategy/builtin/macd-strategy.js";
import { EnsembleParamsSchema, type BuiltinStrategyType } from "../../strategy/builtin/registry.js";
import { RsiParamsSchema } from "../../strategy/builtin/rsi-strategy.js";
import { SmaCrossParamsSchema } from "../../strategy/builtin/sma-cross-strategy.js";
import { ResearchInputError, type ResearchIssue } from "./research-error.js";

/** The longest list of values one parameter may name; a grid is capped by its product anyway. */
export const MAX_LIST_VALUES = 1000;

export type ParamKind =
  | { readonly kind: "int" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  | { readonly kind: "enum"; readonly options: readonly string[] };

/** A range of numbers: a grid walks it by `step` (1 for whole numbers); random draws from it. */
export type Range = { readonly min: number; readonly max: number; readonly step?: number | undefined };
export type ParamValue = number | boolean | string;
/** Either the values to try, in order, or a numeric range. */
export type Dimension = readonly ParamValue[] | Range;
/** Param name → its dimension; params not named keep the base spec's value. */
export type ParameterSpace = Readonly<Record<string, Dimension>>;

const PARAMS_SCHEMAS: Record<BuiltinStrategyType, z.ZodObject> = {
  rsi: RsiParamsSchema,
  macd: MacdParamsSchema,
  bollinger: BollingerParamsSchema,
  "sma-cross": SmaCrossParamsSchema,
  ensemble: EnsembleParamsSchema,
};

/**
 * The params of a strategy type a search can vary, read from the strategy's own params schema so
 * a new field is searchable without a change here: numbers (whole or not), booleans and enums, in
 * the schema's field order. Lists and objects (an ensemble's members) are not searchable.
 */
export function searchableParams(type: BuiltinStrategyType): Readonly<Record<string, ParamKind>> {
  const kinds: Record<string, ParamKind> = {};
  for (const [name, field] of Object.entries(PARAMS_SCHEMAS[type].shape)) {
    const inner: unknown = field instanceof z.ZodDefault ? field.unwrap() : field;
    if (inner instanceof z.ZodNumber) kinds[name] = { kind: inner.isInt ? "int" : "number" };
    else if (inner instanceof z.ZodBoolean) kinds[name] = { kind: "boolean" };
    else if (inner instanceof z.ZodEnum) kinds[name] = { kind: "enum", options: inner.options.map(String) };
  }
  return kinds;
}

/** Any space, before its strategy type is known: what a job request can declare statically. */
export const ParameterSpaceSchema = z.record(
  z.string(),
  z.union([
    z.array(z.union([z.number(), z.boolean(), z.string()])).min(1).max(MAX_LIST_VALUES),
    z.strictObject({ min: z.number(), max: z.number(), step: z.number().positive().optional() }),
  ]),
);
export type ParameterSpaceInput = z.input<typeof ParameterSpaceSchema>;

function listOf<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .min(1)
    .max(MAX_LIST_VALUES)
    // A repeated value would only run the same candidate twice.
    .transform((values) => [...new Set(values)]);
}

function dimensionSchema(name: string, kind: ParamKind): z.ZodType<Dimension> {
  switch (kind.kind) {
    case "boolean":
      return listOf(z.boolean());
    case "enum":
      return listOf(z.enum(kind.options as [string, ...string[]]));
    case "int":
    case "number": {
      const num = kind.kind === "int" ? z.int() : z.number();
      const what = kind.kind === "int" ? "whole numbers" : "numbers";
      return z
        .union([listOf(num), z.strictObject({ min: num, max: num, step: num.positive().optional() })], {
          error: `${name} must be a list of ${what} or { min, max, step? } of ${what}, step above 0`,
        })
        .refine((d) => !("min" in d) || d.min <= d.max, { error: `${name}: min must not exceed max` });
    }
  }
}

/** The strict space schema of one strategy type: only its searchable params, each of the right kind. */
export function parameterSpaceSchema(type: BuiltinStrategyType) {
  const shape: Record<string, z.ZodOptional<z.ZodType<Dimension>>> = {};
  for (const [name, kind] of Object.entries(searchableParams(type))) shape[name] = dimensionSchema(name, kind).optional();
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `${type} has no searchable param ${issue.keys.join(", ")}; it has ${Object.keys(shape).join(", ")}` : undefined),
  });
}

/** Validates a space against a strategy type; throws SPACE_INVALID with every issue's path. */
export function parseParameterSpace(type: BuiltinStrategyType, input: unknown): ParameterSpace {
  const parsed = parameterSpaceSchema(type).safeParse(input);
  if (parsed.success) {
    const space: Record<string, Dimension> = {};
    for (const [name, dimension] of Object.entries(parsed.data)) if (dimension !== undefined) space[name] = dimension;
    return space;
  }
  const issues: ResearchIssue[] = parsed.error.issues.map((i) => ({ path: ["space", ...i.path].join("."), message: i.message }));
  throw new ResearchInputError("SPACE_INVALID", `the parameter space does not fit ${type}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
}

export function isRange(dimension: Dimension): dimension is Range {
  return !Array.isArray(dimension);
}
