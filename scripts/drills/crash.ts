import { seededRandom } from "../../src/lib/seeded-random.js";
import { acknowledged, AlertLog, startAlertStream } from "./alerts.js";
import { waitForProcessing } from "./api.js";
import { checkAcknowledged, checkNoDuplicateAlerts, checkOrdersBelong, checkOrdersUnique, checkSettled } from "./checks.js";
import { sleep, stopGateway, type Gateway } from "./gateway.js";
import { checkIntegrity } from "./integrity.js";
import type { DrillReport } from "./report.js";
import { openSession } from "./session.js";

export type CrashDrillOptions = {
  adminUrl?: string | undefined;
  /** How many times the gateway is killed (then restarted). */
  kills: number;
  /** Seeds the kill moments, so a failing schedule can be run again. */
  seed: number;
  senders: number;
  /** Each round runs at least until this many alerts were acknowledged, then a seeded 0–maxDelayMs more. */
  minAcksPerRound: number;
  maxDelayMs: number;
  /** How long the last gateway gets to process what is queued. */
  settleMs: number;
};

export const CRASH_DEFAULTS: CrashDrillOptions = { kills: 5, seed: 1, senders: 4, minAcksPerRound: 20, maxDelayMs: 1500, settleMs: 60_000 };

/**
 * Invariants 1, 2 and 7 under kill -9: alerts stream in over three lanes; at seeded random moments
 * the gateway is killed with SIGKILL and started again on the same database. At the end every
 * alert answered 2xx is in the ledger once and processed, and no signal leg has two orders.
 */
export async function runCrashDrill(options: CrashDrillOptions): Promise<DrillReport> {
  const session = await openSession({ adminUrl: options.adminUrl });
  const random = seededRandom(options.seed);
  const log = new AlertLog();
  const failures: string[] = [];
  const counts: Record<string, number | string> = { seed: options.seed };
  try {
    let gateway = await session.boot();
    const strategy = await session.api.createStrategy("crash");
    const webhook = `${session.url}${strategy.webhookPath}`;
    for (let round = 1; round <= options.kills; round++) {
      if (round > 1) gateway = await session.boot();
      const before = log.outcomes.filter(acknowledged).length;
      const stream = startAlertStream({ url: webhook, log, senders: options.senders });
      const deadline = Date.now() + 60_000;
      while (log.outcomes.filter(acknowledged).length - before < options.minAcksPerRound && gateway.running() && Date.now() < deadline) await sleep(10);
      if (!gateway.running() || Date.now() >= deadline) {
        await stream.stop();
        throw new Error(`round ${round}: the gateway ${gateway.running() ? "acknowledged too few alerts within 60 s" : "exited by itself"}\n${gateway.logTail()}`);
      }
      await sleep(Math.floor(random() * options.maxDelayMs));
      gateway.child.kill("SIGKILL");
      await gateway.exited;
      await stream.stop();
    }
    await session.boot();
    const rows = await waitForProcessing(session.api, "crash", options.settleMs);
    const orders = await session.api.orders("crash");
    const acks = log.acknowledged();
    failures.push(
      ...checkAcknowledged(acks, rows),
      ...checkNoDuplicateAlerts(rows),
      ...checkSettled(rows),
      ...checkOrdersUnique(orders),
      ...checkOrdersBelong(orders, rows),
    );
    if (rows.length > log.sent) failures.push(`the ledger holds ${rows.length} alerts but only ${log.sent} were sent`);
    const maxAttempts = Math.max(0, ...rows.map((r) => r.attempts));
    // A signal is claimed again only after its claim died with a killed gateway.
    if (maxAttempts > options.kills + 1) failures.push(`a signal was attempted ${maxAttempts} times across ${options.kills} kills`);

    const exit = await stopGateway(session.current() as Gateway);
    if (exit?.code !== 0) failures.push(`the last gateway ${exit ? `exited ${exit.code ?? exit.signal}` : "did not exit within 30 s"} on SIGTERM`);
    const db = await session.database.open();
    try {
      const integrity = await checkIntegrity(db);
      failures.push(...integrity.failures);
      Object.assign(counts, { kills: options.kills, "alerts sent": log.sent, "answered 2xx": acks.size, "no answer (killed mid-request)": log.outcomes.filter((o) => o.error).length });
      Object.assign(counts, { "ledger rows": rows.length, processed: rows.filter((r) => r.status === "processed").length, "max attempts": maxAttempts });
      Object.assign(counts, { orders: integrity.counts.orders, fills: integrity.counts.fills, "risk decisions": integrity.counts.decisions });
    } finally {
      await db.close();
    }
    const other = log.outcomes.filter((o) => o.status !== undefined && !acknowledged(o));
    if (other.length > 0) failures.push(`${other.length} alerts answered neither 2xx nor nothing: ${[...new Set(other.map((o) => `${o.status} ${o.code}`))].join(", ")}`);
    return { drill: "crash", database: session.database.kind, counts, failures, ...(failures.length > 0 ? { logTail: session.logTail() } : {}) };
  } finally {
    await session.close();
  }
}
