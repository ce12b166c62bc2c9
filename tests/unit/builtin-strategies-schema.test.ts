import { describe, expect, it } from "vitest";
import { CanonicalSignalSchema } from "../../src/domain/signal.js";
import type { Bar, StrategySignal } from "../../src/strategy/builtin/bar-strategy.js";
import {
  BUILTIN_STRATEGY_TYPES,
  BuiltinStrategySpecSchema,
  createBarStrategy,
  describeStrategy,
  parseBuiltinStrategy,
} from "../../src/strategy/builtin/registry.js";
import { toCanonicalSignal } from "../../src/strategy/builtin/to-canonical-signal.js";

/** The issues of a refused spec as "path: message". */
function refusal(input: unknown): string[] {
  const r = parseBuiltinStrategy(input);
  if (r.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("BuiltinStrategySpecSchema: defaults", () => {
  it.each([[undefined], [{}]])("params %s takes every default", (params) => {
    const withParams = (type: string) => (params === undefined ? { type } : { type, params });
    expect(BuiltinStrategySpecSchema.parse(withParams("rsi"))).toEqual({
      type: "rsi",
      params: { period: 14, oversold: 30, overbought: 70, allowShort: false },
    });
    expect(BuiltinStrategySpecSchema.parse(withParams("macd"))).toEqual({
      type: "macd",
      params: { fast: 12, slow: 26, signal: 9, allowShort: false },
    });
    expect(BuiltinStrategySpecSchema.parse(withParams("bollinger"))).toEqual({
      type: "bollinger",
      params: { period: 20, stdDev: 2, exitAt: "middle", allowShort: false },
    });
    expect(BuiltinStrategySpecSchema.parse(withParams("sma-cross"))).toEqual({
      type: "sma-cross",
      params: { fast: 10, slow: 30, allowShort: false },
    });
  });

  it("partial params keep what was given and fill the rest", () => {
    expect(BuiltinStrategySpecSchema.parse({ type: "rsi", params: { period: 7, allowShort: true } })).toEqual({
      type: "rsi",
      params: { period: 7, oversold: 30, overbought: 70, allowShort: true },
    });
  });

  it("an ensemble fills its own defaults and its members'", () => {
    const spec = BuiltinStrategySpecSchema.parse({ type: "ensemble", params: { members: [{ type: "rsi" }, { type: "sma-cross", params: { fast: 5 } }] } });
    expect(spec).toEqual({
      type: "ensemble",
      params: {
        members: [
          { type: "rsi", params: { period: 14, oversold: 30, overbought: 70, allowShort: false } },
          { type: "sma-cross", params: { fast: 5, slow: 30, allowShort: false } },
        ],
        threshold: 0.5,
        allowShort: false,
      },
    });
    expect(describeStrategy(spec)).toBe("ensemble(rsi(14), sma-cross(5,30))");
  });

  it("every listed type builds a strategy", () => {
    const member = [{ type: "rsi" }, { type: "macd" }];
    for (const type of BUILTIN_STRATEGY_TYPES) {
      const spec = BuiltinStrategySpecSchema.parse(type === "ensemble" ? { type, params: { members: member } } : { type });
      expect(typeof createBarStrategy(spec).onBar).toBe("function");
    }
  });
});

describe("BuiltinStrategySpecSchema: refusals name the field", () => {
  it.each([
    [{ type: "rsi", params: { period: 1 } }, "params.period: period must be a whole number from 2 to 500"],
    [{ type: "rsi", params: { period: 501 } }, "params.period: period must be a whole number from 2 to 500"],
    [{ type: "rsi", params: { period: 14.5 } }, "params.period: period must be a whole number from 2 to 500"],
    [{ type: "rsi", params: { oversold: 0 } }, "params.oversold: oversold must be a number above 0 and below 100"],
    [{ type: "rsi", params: { overbought: 100 } }, "params.overbought: overbought must be a number above 0 and below 100"],
    [{ type: "rsi", params: { oversold: 70, overbought: 30 } }, "params.overbought: overbought must exceed oversold"],
    [{ type: "rsi", params: { oversold: 50, overbought: 50 } }, "params.overbought: overbought must exceed oversold"],
    [{ type: "rsi", params: { oversold: 75 } }, "params.overbought: overbought must exceed oversold"],
    [{ type: "rsi", params: { allowShort: "yes" } }, "params.allowShort: allowShort must be true or false"],
    [{ type: "macd", params: { fast: 26 } }, "params.fast: fast must be less than slow"],
    [{ type: "macd", params: { fast: 30, slow: 20 } }, "params.fast: fast must be less than slow"],
    [{ type: "macd", params: { signal: 0 } }, "params.signal: signal must be a whole number from 1 to 500"],
    [{ type: "sma-cross", params: { fast: 30, slow: 30 } }, "params.fast: fast must be less than slow"],
    [{ type: "sma-cross", params: { slow: "30" } }, "params.slow: slow must be a whole number from 2 to 500"],
    [{ type: "bollinger", params: { stdDev: 0 } }, "params.stdDev: stdDev must be a number above 0 and at most 10"],
    [{ type: "bollinger", params: { exitAt: "lower" } }, "params.exitAt: exitAt must be middle or upper"],
    [{ type: "rsi", params: { perod: 14 } }, 'params: Unrecognized key: "perod"'],
    [{ type: "rsi", params: null }, "params: Invalid input: expected object, received null"],
    [{ type: "vwap" }, "type: type must be one of rsi, macd, bollinger, sma-cross, ensemble"],
    [{}, "type: type must be one of rsi, macd, bollinger, sma-cross, ensemble"],
    ["rsi", ": a built-in strategy must be an object with a type"],
  ])("%j", (input, message) => {
    expect(refusal(input)).toEqual([message]);
  });

  it("an ensemble needs 2 to 10 members and a threshold from 0.5 to 1", () => {
    const m = { type: "rsi" };
    expect(refusal({ type: "ensemble" })).toEqual(["params: params must be an object listing members"]);
    expect(refusal({ type: "ensemble", params: { members: [m] } })).toEqual(["params.members: members must list 2 to 10 strategies"]);
    expect(refusal({ type: "ensemble", params: { members: Array(11).fill(m) } })).toEqual([
      "params.members: members must list 2 to 10 strategies",
    ]);
    expect(parseBuiltinStrategy({ type: "ensemble", params: { members: Array(10).fill(m) } }).success).toBe(true);
    for (const threshold of [0.49, 1.01]) {
      expect(refusal({ type: "ensemble", params: { members: [m, m], threshold } })).toEqual([
        "params.threshold: threshold must be a number from 0.5 to 1",
      ]);
    }
  });

  it("refuses an ensemble inside an ensemble, and reports a member's own errors with its index", () => {
    const inner = { type: "ensemble", params: { members: [{ type: "rsi" }, { type: "macd" }] } };
    expect(refusal({ type: "ensemble", params: { members: [{ type: "rsi" }, inner] } })).toEqual([
      "params.members.1.type: an ensemble cannot be a member of another ensemble",
    ]);
    expect(refusal({ type: "ensemble", params: { members: [{ type: "macd", params: { fast: 40 } }, { type: "rsi" }] } })).toEqual([
      "params.members.0.params.fast: fast must be less than slow",
    ]);
    expect(refusal({ type: "ensemble", params: { members: [{ type: "rsi" }, { type: "x" }] } })).toEqual([
      "params.members.1.type: type must be one of rsi, macd, bollinger, sma-cross",
    ]);
  });
});

describe("toCanonicalSignal", () => {
  const bar: Bar = { time: Date.UTC(2025, 4, 1, 13), open: 1, high: 1, low: 1, close: 94546.79, volume: 1 };
  const hour = 3_600_000;

  it("is a market order at the close, stamped with the bar's close time, that the schema accepts", () => {
    const s: StrategySignal = { intent: { action: "open", side: "long" }, confidence: 1, comment: "rsi 28.41 crossed below 30" };
    const out = toCanonicalSignal("BTC/USDT", bar, hour, s);
    expect(out).toEqual({
      symbol: "BTC/USDT",
      intent: { action: "open", side: "long" },
      orderType: "market",
      referencePrice: "94546.79",
      confidence: 1,
      sourceTime: "2025-05-01T14:00:00.000Z",
      comment: "rsi 28.41 crossed below 30",
    });
    expect(CanonicalSignalSchema.parse(out)).toEqual(out);
  });

  it("writes tiny prices without exponent, keeps the ensemble's confidence, and owns its intent", () => {
    const intent = Object.freeze({ action: "close" as const, side: "short" as const });
    const s: StrategySignal = { intent, confidence: 2 / 3, comment: "x".repeat(700) };
    const out = toCanonicalSignal("PEPE/USDT:USDT", { ...bar, close: 1.234e-7 }, 5 * 60_000, s);
    expect(out.referencePrice).toBe("0.0000001234");
    expect(out.confidence).toBe(2 / 3);
    expect(out.sourceTime).toBe("2025-05-01T13:05:00.000Z");
    expect(out.intent).not.toBe(intent);
    expect(out.comment).toHaveLength(500);
    expect(CanonicalSignalSchema.safeParse(out).success).toBe(true);
  });

  it.each([
    { type: "rsi", params: { period: 5, allowShort: true } },
    { type: "macd", params: { fast: 3, slow: 8, signal: 3, allowShort: true } },
    { type: "bollinger", params: { period: 10, stdDev: 1, allowShort: true } },
    { type: "sma-cross", params: { fast: 2, slow: 6, allowShort: true } },
    { type: "ensemble", params: { members: [{ type: "rsi", params: { period: 5 } }, { type: "sma-cross", params: { fast: 2, slow: 6 } }] } },
  ])("every signal of $type becomes a valid canonical signal", (input) => {
    const strategy = createBarStrategy(BuiltinStrategySpecSchema.parse(input));
    const b: Bar = { ...bar };
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      b.time = bar.time + i * hour;
      b.close = 100 + 10 * Math.sin(i / 5) + 3 * Math.sin(i * 1.7);
      const s = strategy.onBar(b);
      if (s === null) continue;
      const parsed = CanonicalSignalSchema.safeParse(toCanonicalSignal("ETH/USDT", b, hour, s));
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });
});
