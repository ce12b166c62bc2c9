import { loadCandleSeries } from "../src/backtest/jobs/load-candles.js";
import { BacktestInputError, runBacktest, type BacktestResult } from "../src/backtest/engine/run-backtest.js";
import { METRIC_ROWS } from "../src/backtest/report/metrics-table.js";
import type { BacktestSpec, CandleSeries } from "../src/backtest/types.js";
import { BACKTEST_USAGE, parseBacktestArgs } from "./backtest-args.js";
import { CliError, loadConfig, openConfiguredDatabase, progressReporter, runCli } from "./cli.js";

// `npm run backtest -- --symbol BTC/USDT --timeframe 1h --from 2025-01-01 --to 2025-02-01 --strategy rsi
// --param period=14`: the candles the job layer would load, from the configured database (DATABASE_URL,
// else PGlite in DATA_DIR), through runBacktest in this process. Progress on stderr; a summary table
// (or JSON with --json) on stdout. Exits 1 with one line on a bad argument or candles missing.

const iso = (ms: number) => new Date(ms).toISOString();

async function main() {
  const args = parseBacktestArgs(process.argv.slice(2));
  if ("help" in args) return void process.stdout.write(`${BACKTEST_USAGE}\n`);
  const { spec, json } = args;

  const database = await openConfiguredDatabase(loadConfig());
  const series: CandleSeries[] = [];
  try {
    for (const symbol of spec.symbols) {
      const loaded = await loadCandleSeries(database, { symbol, timeframe: spec.timeframe, from: spec.from, to: spec.to });
      if (loaded.time.length === 0) {
        throw new CliError(`no ${spec.timeframe} candles for ${symbol} from ${iso(spec.from)} to ${iso(spec.to)} in ${database.target}: fetch or import them first (npm run candles:fetch, candles:import)`);
      }
      series.push(loaded);
    }
  } finally {
    await database.close();
  }

  const total = series.reduce((n, s) => n + s.time.length, 0);
  const progress = progressReporter("backtest");
  const result = await runBacktest(spec, series, { onProgress: (done, all) => progress.update(done, all), progressEvery: Math.max(1, Math.ceil(total / 100)) });
  progress.done();
  process.stdout.write(json ? `${JSON.stringify(jsonSummary(spec, result), null, 2)}\n` : summaryTable(spec, result));
}

function jsonSummary(spec: BacktestSpec, result: BacktestResult) {
  return {
    symbols: spec.symbols,
    timeframe: spec.timeframe,
    from: iso(spec.from),
    to: iso(spec.to),
    strategy: spec.source.kind === "builtin" ? spec.source.spec : null,
    startingCash: spec.startingCash,
    fees: { makerBps: spec.makerFeeBps, takerBps: spec.takerFeeBps },
    slippageBps: spec.slippageBps,
    fillModel: spec.fillModel,
    sizing: spec.config.sizing,
    candles: result.candles,
    signals: result.signals,
    orders: result.orders,
    refusals: result.refusals,
    tradesCount: result.trades.length,
    tradesHash: result.tradesHash,
    metrics: result.metrics,
    trades: result.trades.map((t) => ({ ...t, entryTime: iso(t.entryTime), exitTime: iso(t.exitTime) })),
  };
}

/** Two aligned columns: the run, the report's metrics with its formatting, then the counts and the hash. */
function summaryTable(spec: BacktestSpec, result: BacktestResult): string {
  const strategy = spec.source.kind === "builtin" ? `${spec.source.spec.type} ${JSON.stringify(spec.source.spec.params)}` : "replay";
  const refusals = Object.entries(result.refusals).map(([code, n]) => `${code} ${n}`).join(", ");
  const rows: Array<[string, string]> = [
    ["Symbols", spec.symbols.join(", ")],
    ["Range", `${iso(spec.from)} → ${iso(spec.to)} (${spec.timeframe})`],
    ["Strategy", strategy],
    ["Fees / slippage", `maker ${spec.makerFeeBps} bps, taker ${spec.takerFeeBps} bps / ${spec.slippageBps} bps, fill at ${spec.fillModel}`],
    ...METRIC_ROWS.map(({ key, label, format }): [string, string] => [label, format(result.metrics[key])]),
    ["Candles", String(result.candles)],
    ["Signals / orders", `${result.signals} / ${result.orders}`],
    ...(refusals ? [["Refusals", refusals] as [string, string]] : []),
    ["Trades hash", result.tradesHash],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n")}\n`;
}

runCli("backtest", main, [BacktestInputError]);
