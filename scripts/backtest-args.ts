import { defaultFees, resolveConfig } from "../src/backtest/service/backtest-spec.js";
import { FILL_MODELS, type BacktestSpec, type FillModel } from "../src/backtest/types.js";
import { Dec } from "../src/domain/decimal.js";
import { DECIMAL } from "../src/domain/signal.js";
import { DEFAULT_STRATEGY_CONFIG } from "../src/domain/strategy-config.js";
import { paperMarket } from "../src/execution/paper/paper-markets.js";
import { BuiltinStrategySpecSchema, BUILTIN_STRATEGY_TYPES } from "../src/strategy/builtin/registry.js";
import { CliError, parseCliArgs, parseInstant, parseSymbol, parseTimeframe, required } from "./cli.js";

export const BACKTEST_USAGE =
  "usage: npm run backtest -- --symbol BTC/USDT --timeframe 1h --from 2025-01-01 --to 2025-02-01 --strategy rsi " +
  "[--param period=14 ...] [--cash 10000] [--fee-bps 10] [--slippage-bps 0] [--fill next_open|this_close] [--sizing-quote 1000] [--json]";

const OPTIONS = {
  symbol: { type: "string", multiple: true },
  timeframe: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  strategy: { type: "string" },
  param: { type: "string", multiple: true },
  cash: { type: "string" },
  "fee-bps": { type: "string" },
  "slippage-bps": { type: "string" },
  fill: { type: "string" },
  "sizing-quote": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

export type BacktestArgs = { readonly spec: BacktestSpec; readonly json: boolean } | { readonly help: true };

/**
 * The command line as a BacktestSpec, built as the job layer builds one: the strategy through its
 * zod schema, the configuration through resolveConfig (paper mode), fees defaulting to the dearest of
 * the markets'. Throws a CliError naming the first bad argument.
 */
export function parseBacktestArgs(argv: readonly string[]): BacktestArgs {
  if (argv.length === 0) throw new CliError(BACKTEST_USAGE);
  const values = parseCliArgs(argv, OPTIONS);
  if (values.help) return { help: true };
  const symbols = values.symbol ?? [];
  if (symbols.length === 0) throw new CliError("--symbol is required");
  for (const symbol of symbols) {
    parseSymbol("symbol", symbol);
    if (!paperMarket(symbol)) throw new CliError(`--symbol ${symbol}: backtests trade on the paper venue's markets, which list no ${symbol}`);
  }
  if (new Set(symbols).size !== symbols.length) throw new CliError("--symbol must not repeat a symbol");
  const timeframe = parseTimeframe(required("timeframe", values.timeframe));
  const from = parseInstant("from", required("from", values.from));
  const to = parseInstant("to", required("to", values.to));
  if (from >= to) throw new CliError("--to must be after --from");

  const strategy = parseStrategy(required("strategy", values.strategy), values.param ?? []);
  const startingCash = values.cash === undefined ? "10000" : positive("cash", values.cash);
  const fees = values["fee-bps"] === undefined ? defaultFees(symbols.map((s) => paperMarket(s)!)) : both(bps("fee-bps", values["fee-bps"]));
  const slippageBps = values["slippage-bps"] === undefined ? "0" : bps("slippage-bps", values["slippage-bps"], 10_000);
  const fillModel = values.fill ?? "next_open";
  if (!(FILL_MODELS as readonly string[]).includes(fillModel)) throw new CliError(`--fill must be one of ${FILL_MODELS.join(", ")}`);

  const sizing = values["sizing-quote"] === undefined ? undefined : { sizing: { type: "fixed_quote" as const, notional: positive("sizing-quote", values["sizing-quote"]) } };
  const config = resolveConfig(DEFAULT_STRATEGY_CONFIG, sizing);
  if (!config.ok) throw new CliError(`--sizing-quote: ${config.errors[0]?.message ?? "is invalid"}`);

  const spec: BacktestSpec = {
    symbols,
    timeframe,
    from,
    to,
    startingCash,
    makerFeeBps: fees.makerBps,
    takerFeeBps: fees.takerBps,
    slippageBps,
    fillModel: fillModel as FillModel,
    source: { kind: "builtin", spec: strategy },
    config: config.config,
  };
  return { spec, json: values.json };
}

/** `--param name=value`: the value is read as JSON when it is JSON (14, true, [...] for ensemble members), else as text. */
function parseStrategy(type: string, params: readonly string[]) {
  const entries = params.map((p) => {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new CliError(`--param must be name=value, not ${p}`);
    const name = p.slice(0, eq);
    const text = p.slice(eq + 1);
    try {
      return [name, JSON.parse(text) as unknown] as const;
    } catch {
      return [name, text] as const;
    }
  });
  const parsed = BuiltinStrategySpecSchema.safeParse({ type, params: Object.fromEntries(entries) });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const [where, name, ...rest] = issue.path.map(String);
  if (where !== "params") throw new CliError(`--strategy must be one of ${BUILTIN_STRATEGY_TYPES.join(", ")}, not ${type}`);
  if (issue.code === "unrecognized_keys") throw new CliError(`--param ${issue.keys.join(", ")}: ${type} has no such parameter`);
  if (name === undefined) throw new CliError(`--param: ${issue.message}`);
  const field = [name, ...rest].join(".");
  throw new CliError(issue.message.startsWith(name) ? `--param ${issue.message}` : `--param ${field}: ${issue.message}`);
}

function positive(name: string, value: string): string {
  if (!DECIMAL.test(value) || new Dec(value).lte(0)) throw new CliError(`--${name} must be a decimal number above 0, not ${value}`);
  return value;
}

function bps(name: string, value: string, below?: number): string {
  if (!DECIMAL.test(value)) throw new CliError(`--${name} must be a decimal number of basis points, at least 0, not ${value}`);
  if (below !== undefined && new Dec(value).gte(below)) throw new CliError(`--${name} must be below ${below}`);
  return value;
}

const both = (value: string) => ({ makerBps: value, takerBps: value });
