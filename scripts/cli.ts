import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { withDotenv } from "../src/config/dotenv.js";
import { parseConfig, type Config } from "../src/config/env.js";
import { DatabaseUnreachableError, openDatabase, type Database } from "../src/db/client.js";
import { DataDirLockedError } from "../src/db/data-dir-lock.js";
import { migrate } from "../src/db/migrate.js";
import { isTimeframe, TIMEFRAMES, type Timeframe } from "../src/market-data/timeframes.js";

/** What the command scripts share: arguments, the configured database, and one-line failures. */

/** A failure the user can act on: printed as one line, no stack. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** node:util parseArgs, with its unknown-option and missing-value errors as a CliError. */
export function parseCliArgs<T extends ParseArgsConfig["options"]>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) throw new CliError((err as Error).message.replace(/\s*\n\s*/g, " "));
    throw err;
  }
}

export function required(name: string, value: string | undefined): string {
  if (value === undefined || value === "") throw new CliError(`--${name} is required`);
  return value;
}

const UNIFIED_SYMBOL = /^[A-Z0-9.]+\/[A-Z0-9.]+(:[A-Z0-9.]+)?$/;

export function parseSymbol(name: string, value: string): string {
  if (!UNIFIED_SYMBOL.test(value)) throw new CliError(`--${name} must be a ccxt unified symbol such as BTC/USDT, not ${value}`);
  return value;
}

export function parseTimeframe(value: string): Timeframe {
  if (!isTimeframe(value)) throw new CliError(`--timeframe must be one of ${TIMEFRAMES.join(", ")}`);
  return value;
}

const MILLIS = /^\d{1,15}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = z.iso.datetime({ offset: true });

/** A calendar date (midnight UTC), an ISO 8601 date-time with its zone, or milliseconds since the epoch. */
export function parseInstant(name: string, value: string): number {
  const ms = MILLIS.test(value) ? Number(value) : DATE.test(value) || DATE_TIME.safeParse(value).success ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new CliError(`--${name} must be a date (2025-01-01), an ISO 8601 date-time with its zone (2025-01-01T00:00:00Z) or milliseconds since the epoch, not ${value}`);
  }
  return ms;
}

/** The environment (and .env) parsed as the gateway parses it. */
export function loadConfig(): Config {
  const parsed = parseConfig(withDotenv(process.env));
  if (!parsed.ok) throw new CliError(parsed.errors.map((e) => `invalid configuration: ${e}`).join("; "));
  return parsed.config;
}

/** The database the configuration names (DATABASE_URL, else PGlite in DATA_DIR), migrated. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 2 });
  try {
    await migrate(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

/** Runs a command: an error the user can act on is one line on stderr; anything else keeps its stack. */
export function runCli(name: string, main: () => Promise<void>, expected: readonly (new (...args: never[]) => Error)[] = []): void {
  const known = [CliError, DatabaseUnreachableError, DataDirLockedError, ...expected];
  main().catch((err: unknown) => {
    const oneLine = known.some((type) => err instanceof type);
    process.stderr.write(`${name}: ${oneLine ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}

/**
 * Progress on stderr: a bar redrawn in place when it is a terminal, otherwise a plain line every
 * tenth of the way, so a log file stays readable.
 */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let shown = -1;
  return {
    update(done: number, total: number) {
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const step = tty ? Math.floor(fraction * 100) : Math.floor(fraction * 10) * 10;
      if (step === shown) return;
      shown = step;
      if (!tty) return void stream.write(`${label}: ${step}% (${done}/${total})\n`);
      const width = 30;
      const filled = Math.round(fraction * width);
      stream.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(step).padStart(3)}% ${done}/${total}`);
    },
    done() {
      if (tty && shown >= 0) stream.write("\n");
    },
  };
}
