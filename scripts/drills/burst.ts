import { acknowledged, sendAlert, type AlertOutcome, type Lane, LANES } from "./alerts.js";
import { waitForProcessing } from "./api.js";
import { checkAcknowledged, checkLaneOrder, checkNoDuplicateAlerts, checkOrdersBelong, checkOrdersUnique, checkSettled } from "./checks.js";
import { sleep, stopGateway, type Gateway } from "./gateway.js";
import { checkIntegrity } from "./integrity.js";
import type { DrillReport } from "./report.js";
import { openSession } from "./session.js";

export type BurstDrillOptions = {
  adminUrl?: string | undefined;
  /** Alerts for one strategy and one symbol… */
  alerts: number;
  /** …all sent within this window, each without waiting for any answer. */
  windowMs: number;
  settleMs: number;
};

export const BURST_DEFAULTS: BurstDrillOptions = { alerts: 1000, windowMs: 1000, settleMs: 180_000 };

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * Invariants 2 and 3 under a burst: `alerts` alerts for one strategy and symbol, launched evenly
 * within `windowMs` without waiting for answers. Every one is accepted; processing follows the
 * ledger's sequence (finish times, and the order in which orders were created); no leg has two
 * orders.
 */
export async function runBurstDrill(options: BurstDrillOptions): Promise<DrillReport> {
  const session = await openSession({ adminUrl: options.adminUrl });
  const failures: string[] = [];
  try {
    await session.boot();
    const strategy = await session.api.createStrategy("burst");
    const url = `${session.url}${strategy.webhookPath}`;
    const lane = LANES[0] as Lane;

    const startedAt = Date.now();
    const pending: Array<Promise<AlertOutcome>> = [];
    for (let n = 0; n < options.alerts; n++) {
      const due = startedAt + (n * options.windowMs) / options.alerts;
      if (due > Date.now()) await sleep(due - Date.now());
      pending.push(sendAlert(url, n, lane, 120_000));
    }
    const launchedInMs = Date.now() - startedAt;
    const outcomes = await Promise.all(pending);
    const answeredInMs = Math.max(...outcomes.map((o) => o.answeredAt)) - startedAt;
    const refused = outcomes.filter((o) => !acknowledged(o));
    if (refused.length > 0) {
      const why = [...new Set(refused.map((o) => o.error ?? `${o.status} ${o.code}`))].join(", ");
      failures.push(`${refused.length} of ${options.alerts} alerts were not accepted (${why})`);
    }
    // Not the gateway's fault, but then the drill did not test a burst: say so rather than pass.
    if (launchedInMs > options.windowMs + 1000) failures.push(`launching the burst took ${launchedInMs} ms, not about ${options.windowMs} ms: this machine is too busy for the drill`);

    const rows = await waitForProcessing(session.api, "burst", options.settleMs);
    const orders = await session.api.orders("burst");
    const acks = new Map(outcomes.filter(acknowledged).map((o) => [o.n, o.id as string]));
    failures.push(
      ...checkAcknowledged(acks, rows),
      ...checkNoDuplicateAlerts(rows),
      ...checkSettled(rows),
      ...checkLaneOrder(rows, orders),
      ...checkOrdersUnique(orders),
      ...checkOrdersBelong(orders, rows),
    );
    if (rows.length !== acks.size) failures.push(`the ledger holds ${rows.length} signals for ${acks.size} accepted alerts`);
    const processedTimes = rows.map((r) => Date.parse(r.processedAt ?? "")).filter(Number.isFinite);
    const latencies = outcomes.map((o) => o.answeredAt - o.sentAt).sort((a, b) => a - b);

    if ((await stopGateway(session.current() as Gateway))?.code !== 0) failures.push("the gateway did not exit 0 on SIGTERM");
    const db = await session.database.open();
    const integrity = await checkIntegrity(db).finally(() => db.close());
    failures.push(...integrity.failures);
    const counts = {
      alerts: options.alerts,
      "launched within": `${launchedInMs} ms`,
      "all answered within": `${answeredInMs} ms`,
      "answer p50 / p99": `${percentile(latencies, 50)} / ${percentile(latencies, 99)} ms`,
      "answered 2xx": acks.size,
      "ledger rows": rows.length,
      processed: rows.filter((r) => r.status === "processed").length,
      "processed within": processedTimes.length > 0 ? `${Math.max(...processedTimes) - startedAt} ms of the first send` : "-",
      orders: orders.length,
      "risk decisions": integrity.counts.decisions,
    };
    return { drill: "burst", database: session.database.kind, counts, failures, ...(failures.length > 0 ? { logTail: session.logTail() } : {}) };
  } finally {
    await session.close();
  }
}
