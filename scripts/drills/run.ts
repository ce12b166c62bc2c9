import { parseArgs } from "node:util";
import { DEFAULT_PG_ADMIN_URL } from "../../bench/scratch-postgres.js";
import { BURST_DEFAULTS, runBurstDrill } from "./burst.js";
import { CRASH_DEFAULTS, runCrashDrill } from "./crash.js";
import { DB_OUTAGE_DEFAULTS, runDbOutageDrill } from "./db-outage.js";
import { formatReport, passed, type DrillReport } from "./report.js";
import { runSigtermDrill, SIGTERM_DEFAULTS } from "./sigterm.js";

// `npm run cli -- drill <name> [options]` or `tsx scripts/drills/run.ts <name> [options]`: runs one
// drill against gateways started from this checkout, prints its report, exits 1 when it failed.

const USAGE = `usage: drill <crash|db-outage|sigterm|burst> [options]
  --pg <admin url>     run on a scratch PostgreSQL database made through this URL (default: PGlite;
                       db-outage always uses PostgreSQL: --pg, else TEST_DATABASE_URL, else ${DEFAULT_PG_ADMIN_URL})
  --json               the report as JSON
crash:      --kills n (${CRASH_DEFAULTS.kills}) --seed n (${CRASH_DEFAULTS.seed}) --senders n (${CRASH_DEFAULTS.senders})
db-outage:  --outage-ms n (${DB_OUTAGE_DEFAULTS.outageMs}) --senders n (${DB_OUTAGE_DEFAULTS.senders})
            --silent: the database stops answering instead of refusing (packets dropped, not reset)
sigterm:    --senders n (${SIGTERM_DEFAULTS.senders}) --backtests n (${SIGTERM_DEFAULTS.backtests})
burst:      --alerts n (${BURST_DEFAULTS.alerts}) --window-ms n (${BURST_DEFAULTS.windowMs})
Exit status: 0 passed (or skipped: no PostgreSQL for db-outage), 1 failed.
`;

const int = (name: string, value: string | undefined, fallback: number, min = 0): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new Error(`--${name} must be an integer of at least ${min}, not ${value}`);
  return Number(value);
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      pg: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      kills: { type: "string" },
      seed: { type: "string" },
      senders: { type: "string" },
      backtests: { type: "string" },
      alerts: { type: "string" },
      "window-ms": { type: "string" },
      "outage-ms": { type: "string" },
      silent: { type: "boolean" },
    },
  });
  const [name] = positionals;
  if (values.help || !name) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 1;
  }
  let report: DrillReport;
  switch (name) {
    case "crash":
      report = await runCrashDrill({
        ...CRASH_DEFAULTS,
        adminUrl: values.pg,
        kills: int("kills", values.kills, CRASH_DEFAULTS.kills, 1),
        seed: int("seed", values.seed, CRASH_DEFAULTS.seed),
        senders: int("senders", values.senders, CRASH_DEFAULTS.senders, 1),
      });
      break;
    case "sigterm":
      report = await runSigtermDrill({
        ...SIGTERM_DEFAULTS,
        adminUrl: values.pg,
        senders: int("senders", values.senders, SIGTERM_DEFAULTS.senders, 1),
        backtests: int("backtests", values.backtests, SIGTERM_DEFAULTS.backtests),
      });
      break;
    case "burst":
      report = await runBurstDrill({
        ...BURST_DEFAULTS,
        adminUrl: values.pg,
        alerts: int("alerts", values.alerts, BURST_DEFAULTS.alerts, 1),
        windowMs: int("window-ms", values["window-ms"], BURST_DEFAULTS.windowMs, 1),
      });
      break;
    case "db-outage":
      report = await runDbOutageDrill({
        ...DB_OUTAGE_DEFAULTS,
        adminUrl: values.pg ?? (process.env.TEST_DATABASE_URL || DEFAULT_PG_ADMIN_URL),
        outageMs: int("outage-ms", values["outage-ms"], DB_OUTAGE_DEFAULTS.outageMs, 1),
        silent: values.silent === true,
        senders: int("senders", values.senders, DB_OUTAGE_DEFAULTS.senders, 1),
      });
      break;
    default:
      throw new Error(`unknown drill ${name}; one of crash, db-outage, sigterm, burst`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return passed(report) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`drill: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
