/**
 * Two readings of the machine itself, printed before the scenarios, so figures from different
 * machines can be told apart: the same build measured 2.5x slower on one 2-core VM than on another
 * (both "AMD EPYC"), and the goals with absolute figures (signal p99, candles/s) moved with it. The
 * ratios against a baseline measured in the same run do not need this; the absolutes do.
 *
 * - decimal arithmetic: what the order path spends most of its CPU on (decimal.js), per operation;
 * - a PostgreSQL round trip (`select $1`, prepared, one connection, one at a time): its latency and
 *   this process's CPU per round trip, which on some VMs costs more than the query itself (each
 *   socket write and wake-up is a system call the hypervisor pays for).
 */
import { Decimal } from "decimal.js";
import postgres from "postgres";
import { postgresConnection } from "../src/db/postgres-url.js";

const DECIMAL_OPS = 300_000;
const ROUND_TRIPS = 2_000;

function decimalNsPerOp(): number {
  const step = new Decimal("0.00001");
  const price = new Decimal("50123.45");
  let acc = new Decimal(0);
  // Warm-up, then the timed run: a multiply and an add per iteration, as a fill's cost and cash do.
  for (let i = 0; i < 20_000; i++) acc = acc.add(step.mul(price));
  const started = process.hrtime.bigint();
  for (let i = 0; i < DECIMAL_OPS / 2; i++) acc = acc.add(step.mul(price));
  const ns = Number(process.hrtime.bigint() - started) / DECIMAL_OPS;
  return acc.isZero() ? -1 : ns;
}

async function roundTrip(url: string): Promise<{ p50Us: number; cpuUs: number } | string> {
  const { url: plainUrl, ...address } = postgresConnection(url);
  const sql = postgres(plainUrl, { ...address, max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    for (let i = 0; i < 200; i++) await sql.unsafe("select $1::int as x", [i], { prepare: true });
    const times: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const started = process.hrtime.bigint();
      await sql.unsafe("select $1::int as x", [i], { prepare: true });
      times.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    const used = process.cpuUsage(cpu);
    times.sort((a, b) => a - b);
    return { p50Us: times[Math.floor(times.length / 2)] as number, cpuUs: (used.user + used.system) / ROUND_TRIPS };
  } catch (err) {
    // The driver may quote what it was given; a password must not reach the printed reason.
    const password = decodeURIComponent(new URL(url).password);
    const message = (err as Error).message ?? String(err);
    return password ? message.split(password).join("***") : message;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** The calibration lines; the PostgreSQL one says why it is missing when the server does not answer. */
export async function calibrationLines(pgUrl: string): Promise<string[]> {
  const decimal = decimalNsPerOp();
  const pg = await roundTrip(pgUrl);
  const pgLine =
    typeof pg === "string"
      ? `PostgreSQL round trip not measured: ${pg}`
      : `PostgreSQL round trip (select $1, prepared, one at a time): p50 ${pg.p50Us.toFixed(0)} us, ${pg.cpuUs.toFixed(0)} us of this process's CPU each`;
  return [`machine: decimal.js multiply or add ${decimal.toFixed(0)} ns each; ${pgLine}`];
}
