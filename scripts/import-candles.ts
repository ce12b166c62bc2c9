import { createReadStream, existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { withDotenv } from "../src/config/dotenv.js";
import { parseConfig } from "../src/config/env.js";
import { DatabaseUnreachableError, openDatabase } from "../src/db/client.js";
import { DataDirLockedError } from "../src/db/data-dir-lock.js";
import { migrate } from "../src/db/migrate.js";
import { CsvFormatError } from "../src/market-data/csv-parser.js";
import { importCandles } from "../src/market-data/import-candles.js";
import { isTimeframe, TIMEFRAMES } from "../src/market-data/timeframes.js";

// `npm run candles:import -- --file path --symbol BTC/USDT --timeframe 1h`: the same importer as
// POST /v1/candles/import, against the configured database (DATABASE_URL, else PGlite in DATA_DIR).
// Prints the quality report as JSON; exits 1 when nothing could be imported because of the input.

const USAGE = "usage: npm run candles:import -- --file <path.csv> --symbol BTC/USDT --timeframe 1h";
const UNIFIED_SYMBOL = /^[A-Z0-9.]+\/[A-Z0-9.]+(:[A-Z0-9.]+)?$/;

function fail(message: string): never {
  process.stderr.write(`candles:import: ${message}\n`);
  process.exit(1);
}

async function main() {
  const { values } = parseArgs({
    options: { file: { type: "string" }, symbol: { type: "string" }, timeframe: { type: "string" } },
    strict: true,
  });
  const { file, symbol, timeframe } = values;
  if (!file || !symbol || !timeframe) fail(USAGE);
  if (!existsSync(file)) fail(`no such file: ${file}`);
  if (!UNIFIED_SYMBOL.test(symbol)) fail(`--symbol must be a ccxt unified symbol such as BTC/USDT, not ${symbol}`);
  if (!isTimeframe(timeframe)) fail(`--timeframe must be one of ${TIMEFRAMES.join(", ")}`);

  const parsed = parseConfig(withDotenv(process.env));
  if (!parsed.ok) fail(parsed.errors.map((e) => `invalid configuration: ${e}`).join("; "));
  const { config } = parsed;
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 2 });
  try {
    await migrate(database.db);
    const report = await importCandles({ ctx: { db: database.db }, input: { symbol, timeframe, source: createReadStream(file) } });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(
      `${database.target}: ${report.imported} imported, ${report.updated} updated, ${report.alreadyStored} already stored, ` +
        `${report.invalidRows.count} invalid, ${report.ohlcInconsistencies.count} inconsistent, ` +
        `${report.duplicatesInFile.count} duplicates, ${report.gaps.missingBars} missing bars in ${report.gaps.count} gaps\n`,
    );
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof CsvFormatError || err instanceof DatabaseUnreachableError || err instanceof DataDirLockedError) fail(err.message);
  process.stderr.write(`candles:import: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
