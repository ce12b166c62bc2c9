import { z } from "zod";
import type { BarStrategy } from "./bar-strategy.js";
import { BollingerParamsSchema, BollingerStrategy } from "./bollinger-strategy.js";
import { EnsembleStrategy } from "./ensemble-strategy.js";
import { MacdParamsSchema, MacdStrategy } from "./macd-strategy.js";
import { allowShortParam } from "./params.js";
import { RsiParamsSchema, RsiStrategy } from "./rsi-strategy.js";
import { SmaCrossParamsSchema, SmaCrossStrategy } from "./sma-cross-strategy.js";

export const BUILTIN_STRATEGY_TYPES = ["rsi", "macd", "bollinger", "sma-cross", "ensemble"] as const;
export type BuiltinStrategyType = (typeof BUILTIN_STRATEGY_TYPES)[number];

// prefault, not default: a missing or empty params object is parsed, so every field's default fills in.
const RsiSpecSchema = z.strictObject({ type: z.literal("rsi"), params: RsiParamsSchema.prefault({}) });
const MacdSpecSchema = z.strictObject({ type: z.literal("macd"), params: MacdParamsSchema.prefault({}) });
const BollingerSpecSchema = z.strictObject({
  type: z.literal("bollinger"),
  params: BollingerParamsSchema.prefault({}),
});
const SmaCrossSpecSchema = z.strictObject({
  type: z.literal("sma-cross"),
  params: SmaCrossParamsSchema.prefault({}),
});

const typeError = (allowed: readonly string[]) => `type must be one of ${allowed.join(", ")}`;
const MEMBER_TYPES = BUILTIN_STRATEGY_TYPES.filter((t) => t !== "ensemble");

/** A member of an ensemble: any built-in but another ensemble (one level of voting is enough). */
export const MemberSpecSchema = z.discriminatedUnion(
  "type",
  [RsiSpecSchema, MacdSpecSchema, BollingerSpecSchema, SmaCrossSpecSchema],
  {
    error: (issue) => {
      if (issue.code !== "invalid_union") return undefined;
      const input = issue.input as { type?: unknown } | undefined;
      return input?.type === "ensemble"
        ? "an ensemble cannot be a member of another ensemble"
        : typeError(MEMBER_TYPES);
    },
  },
);
export type MemberSpec = z.infer<typeof MemberSpecSchema>;
export type MemberSpecInput = z.input<typeof MemberSpecSchema>;

const THRESHOLD_ERROR = "threshold must be a number from 0.5 to 1";

export const EnsembleParamsSchema = z.strictObject(
  {
    members: z
      .array(MemberSpecSchema, { error: "members must be a list of strategy specs" })
      .min(2, { error: "members must list 2 to 10 strategies" })
      .max(10, { error: "members must list 2 to 10 strategies" }),
    threshold: z
      .number({ error: THRESHOLD_ERROR })
      .min(0.5, { error: THRESHOLD_ERROR })
      .max(1, { error: THRESHOLD_ERROR })
      .default(0.5),
    allowShort: allowShortParam,
  },
  { error: (issue) => (issue.code === "invalid_type" ? "params must be an object listing members" : undefined) },
);

// Members have no defaults, so an ensemble's params are required.
const EnsembleSpecSchema = z.strictObject({ type: z.literal("ensemble"), params: EnsembleParamsSchema });

/** Which built-in strategy runs and how; `params` may be omitted or partial, defaults fill in. */
export const BuiltinStrategySpecSchema = z.discriminatedUnion(
  "type",
  [RsiSpecSchema, MacdSpecSchema, BollingerSpecSchema, SmaCrossSpecSchema, EnsembleSpecSchema],
  {
    error: (issue) => {
      if (issue.code === "invalid_union") return typeError(BUILTIN_STRATEGY_TYPES);
      return issue.code === "invalid_type" ? "a built-in strategy must be an object with a type" : undefined;
    },
  },
);
export type BuiltinStrategySpec = z.infer<typeof BuiltinStrategySpecSchema>;
export type BuiltinStrategySpecInput = z.input<typeof BuiltinStrategySpecSchema>;

export function parseBuiltinStrategy(input: unknown) {
  return BuiltinStrategySpecSchema.safeParse(input);
}

/** A fresh strategy with its own indicator state; the spec has already been parsed. */
export function createBarStrategy(spec: BuiltinStrategySpec): BarStrategy {
  switch (spec.type) {
    case "rsi":
      return new RsiStrategy(spec.params);
    case "macd":
      return new MacdStrategy(spec.params);
    case "bollinger":
      return new BollingerStrategy(spec.params);
    case "sma-cross":
      return new SmaCrossStrategy(spec.params);
    case "ensemble":
      return new EnsembleStrategy(
        spec.params.members.map((m) => ({ label: describeStrategy(m), strategy: createBarStrategy(m) })),
        spec.params,
      );
  }
}

/** A short name with the look-backs, for comments and reports: "macd(12,26,9)". */
export function describeStrategy(spec: BuiltinStrategySpec): string {
  switch (spec.type) {
    case "rsi":
      return `rsi(${spec.params.period})`;
    case "macd":
      return `macd(${spec.params.fast},${spec.params.slow},${spec.params.signal})`;
    case "bollinger":
      return `bollinger(${spec.params.period},${spec.params.stdDev})`;
    case "sma-cross":
      return `sma-cross(${spec.params.fast},${spec.params.slow})`;
    case "ensemble":
      return `ensemble(${spec.params.members.map(describeStrategy).join(", ")})`;
  }
}
