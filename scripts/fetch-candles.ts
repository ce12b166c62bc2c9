import { CandleFetchError } from "../src/market-data/fetch-candles.js";
import { ExchangeClientError, publicExchangeClient } from "../src/market-data/exchange-client.js";
import { importExchangeCandles } from "../src/market-data/import-exchange-candles.js";
import { timeframeMs } from "../src/market-data/timeframes.js";
import { CliError, loadConfig, openConfiguredDatabase, parseCliArgs, parseInstant, parseSymbol, parseTimeframe, progressReporter, required, runCli } from "./cli.js";

// `npm run candles:fetch -- --exchange binance --symbol BTC/USDT --timeframe 1h --from 2025-01-01 --to 2025-02-01`:
// pages through the exchange's public OHLCV (ccxt fetchOHLCV) into the configured database (DATABASE_URL,
// else PGlite in DATA_DIR) through the CSV importer, and prints its quality report as JSON. `--sandbox`
// uses the exchange's testnet, `--api-url` replaces its API origin. `from` and `to` are open times, inclusive.

const USAGE =
  "usage: npm run candles:fetch -- --exchange binance --symbol BTC/USDT --timeframe 1h --from 2025-01-01 --to 2025-02-01 [--sandbox] [--api-url URL] [--limit N]";

const OPTIONS = {
  exchange: { type: "string" },
  symbol: { type: "string" },
  timeframe: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  sandbox: { type: "boolean", default: false },
  "api-url": { type: "string" },
  limit: { type: "string" },
} as const;

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length === 0) throw new CliError(USAGE);
  const values = parseCliArgs(argv, OPTIONS);
  const exchangeId = required("exchange", values.exchange);
  const symbol = parseSymbol("symbol", required("symbol", values.symbol));
  const timeframe = parseTimeframe(required("timeframe", values.timeframe));
  const from = parseInstant("from", required("from", values.from));
  const to = parseInstant("to", required("to", values.to));
  if (from > to) throw new CliError("--to must not be before --from");
  const apiUrl = values["api-url"];
  if (apiUrl !== undefined && !(/^https?:\/\//.test(apiUrl) && URL.canParse(apiUrl))) throw new CliError(`--api-url must be an http:// or https:// URL`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 10_000)) throw new CliError("--limit must be a whole number from 1 to 10000");

  const config = loadConfig();
  const exchange = publicExchangeClient({ exchange: exchangeId, symbol, sandbox: values.sandbox, apiBaseUrl: apiUrl, timeoutMs: config.EXCHANGE_TIMEOUT_MS });
  const database = await openConfiguredDatabase(config);
  try {
    const expected = Math.max(1, Math.floor((to - from) / timeframeMs(timeframe)) + 1);
    const progress = progressReporter("candles:fetch");
    let received = 0;
    const result = await importExchangeCandles({
      ctx: { db: database.db },
      input: {
        exchange,
        symbol,
        timeframe,
        from,
        to,
        ...(limit !== undefined ? { limit } : {}),
        onPage: (page) => progress.update((received += page.received), Math.max(expected, received)),
      },
    });
    progress.done();
    const { report, fetch, error } = result;
    if (error && report.rowsRead === 0) throw error;
    process.stdout.write(`${JSON.stringify({ ...report, fetch }, null, 2)}\n`);
    process.stderr.write(
      `${database.target}: ${report.imported} imported, ${report.updated} updated, ${report.alreadyStored} already stored, ` +
        `${report.invalidRows.count} invalid, ${report.ohlcInconsistencies.count} inconsistent, ${report.duplicatesInFile.count} duplicates, ` +
        `${report.gaps.missingBars} missing bars in ${report.gaps.count} gaps; ${fetch.requests} requests for ${fetch.pages} pages\n`,
    );
    if (error) throw error;
  } finally {
    await database.close();
  }
}

runCli("candles:fetch", main, [CandleFetchError, ExchangeClientError]);
