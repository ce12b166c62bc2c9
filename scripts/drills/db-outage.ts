import { acknowledged, AlertLog, resendUntilAccepted, startAlertStream, type AlertOutcome } from "./alerts.js";
import { waitForProcessing } from "./api.js";
import { checkAcknowledged, checkNoDuplicateAlerts, checkOrdersBelong, checkOrdersUnique, checkSettled } from "./checks.js";
import { PostgresUnavailableError } from "./database.js";
import { sleep, stopGateway } from "./gateway.js";
import { checkIntegrity } from "./integrity.js";
import type { DrillReport } from "./report.js";
import { openSession } from "./session.js";
import { startTcpProxy } from "./tcp-proxy.js";

export type DbOutageDrillOptions = {
  /** PostgreSQL admin URL: the drill needs a database server it can cut the gateway off from. */
  adminUrl: string;
  /** The database goes silent (packets dropped) instead of away (connections reset and refused). */
  silent?: boolean;
  senders: number;
  warmupAcks: number;
  outageMs: number;
  /** The longest an alert may wait for its answer while the database is away. */
  answerWithinMs: number;
  /** How soon after the database returns the gateway must accept alerts again. */
  recoverWithinMs: number;
  settleMs: number;
};

export const DB_OUTAGE_DEFAULTS: Omit<DbOutageDrillOptions, "adminUrl"> = {
  senders: 4,
  warmupAcks: 40,
  outageMs: 10_000,
  answerWithinMs: 5000,
  recoverWithinMs: 30_000,
  settleMs: 60_000,
};

/**
 * The database goes away under load and comes back, with the gateway never restarted. The gateway
 * reaches PostgreSQL through a TCP relay the drill controls; cutting it resets every connection and
 * refuses new ones, or, with `silent`, lets nothing through and tells nobody. During the outage
 * alerts are answered 503 promptly, never 2xx; afterwards the gateway accepts again by itself, the
 * 503'd alerts are resent (as TradingView would) and stored once, the backlog is processed, and the
 * database holds nothing half-written.
 */
export async function runDbOutageDrill(options: DbOutageDrillOptions): Promise<DrillReport> {
  const admin = new URL(options.adminUrl);
  const proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) });
  let session;
  try {
    session = await openSession({
      adminUrl: options.adminUrl,
      // Claims cut off mid-signal go back to the queue after this lease, not the default minute; an
      // alert waits at most a second for a database that does not answer (the default is 2 s).
      env: { SIGNAL_CLAIM_TIMEOUT_MS: "2000", LEDGER_TIMEOUT_MS: "1000" },
      databaseUrl: (scratch) => {
        const viaProxy = new URL(scratch);
        viaProxy.hostname = "127.0.0.1";
        viaProxy.port = String(proxy.port);
        return viaProxy.toString();
      },
    });
  } catch (err) {
    await proxy.close();
    if (err instanceof PostgresUnavailableError) return { drill: "db-outage", database: "postgres", skipped: `PostgreSQL not reachable: ${err.message}`, counts: {}, failures: [] };
    throw err;
  }
  const log = new AlertLog();
  const failures: string[] = [];
  try {
    const gateway = await session.boot();
    const strategy = await session.api.createStrategy("outage");
    const webhook = `${session.url}${strategy.webhookPath}`;
    const stream = startAlertStream({ url: webhook, log, senders: options.senders });
    const warmup = Date.now() + 60_000;
    while (log.outcomes.filter(acknowledged).length < options.warmupAcks && Date.now() < warmup) await sleep(10);

    const cutAt = Date.now();
    if (options.silent) proxy.silence();
    else proxy.cut();
    await sleep(options.outageMs / 2);
    const readyDuring = await fetch(`${session.url}/readyz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 0);
    await sleep(Math.max(0, cutAt + options.outageMs - Date.now()));
    const restoredAt = Date.now();
    proxy.restore();

    let recovered: AlertOutcome | undefined;
    while (!recovered && Date.now() < restoredAt + options.recoverWithinMs) {
      recovered = log.outcomes.find((o) => o.sentAt >= restoredAt && acknowledged(o));
      await sleep(20);
    }
    await sleep(2000);
    await stream.stop();
    if (!recovered) failures.push(`no alert was accepted within ${options.recoverWithinMs} ms of the database's return`);
    if (!gateway.running()) failures.push(`the gateway exited during the drill (${gateway.child.exitCode ?? gateway.child.signalCode}); it must ride out the outage`);

    const during = log.outcomes.filter((o) => o.sentAt >= cutAt && o.sentAt < restoredAt);
    const acceptedDuring = during.filter((o) => acknowledged(o) && o.answeredAt < restoredAt);
    if (acceptedDuring.length > 0) failures.push(`${acceptedDuring.length} alerts were answered 2xx while the database was away`);
    const unclean = during.filter((o) => !acknowledged(o) && !(o.status === 503 && o.code === "SERVICE_UNAVAILABLE"));
    if (unclean.length > 0) failures.push(`${unclean.length} alerts sent during the outage got neither 503 nor 2xx (${[...new Set(unclean.map((o) => o.error ?? `${o.status} ${o.code}`))].join(", ")})`);
    const slowest = Math.max(0, ...during.map((o) => o.answeredAt - o.sentAt));
    if (slowest > options.answerWithinMs) failures.push(`an alert sent during the outage waited ${slowest} ms for its answer (bound ${options.answerWithinMs} ms)`);
    if (readyDuring !== 503) failures.push(`/readyz answered ${readyDuring} during the outage, not 503`);

    // A gateway that is gone, or that never came back, is the finding: resending into it would only
    // wait out every alert's timeout before the same report.
    if (!gateway.running() || !recovered) {
      return { drill: "db-outage", database: "postgres", counts: { "alerts sent": log.sent, "answered 2xx": log.acknowledged().size }, failures, logTail: session.logTail() };
    }
    // TradingView resends a 5xx; the dedupe must store each alert once, whether or not the first try committed.
    const resend = [...new Set(log.outcomes.filter((o) => !acknowledged(o)).map((o) => o.n))].filter((n) => !log.acknowledged().has(n));
    await resendUntilAccepted({ url: webhook, log, numbers: resend, senders: options.senders });
    const acks = log.acknowledged();
    const neverAccepted = Array.from({ length: log.sent }, (_, n) => n).filter((n) => !acks.has(n));
    if (neverAccepted.length > 0) failures.push(`${neverAccepted.length} alerts were never accepted, even resent after the outage (alert ${neverAccepted.slice(0, 5).join(", ")})`);

    const rows = await waitForProcessing(session.api, "outage", options.settleMs);
    const orders = await session.api.orders("outage");
    failures.push(...checkAcknowledged(acks, rows), ...checkNoDuplicateAlerts(rows), ...checkSettled(rows), ...checkOrdersUnique(orders), ...checkOrdersBelong(orders, rows));

    if ((await stopGateway(gateway))?.code !== 0) failures.push("the gateway did not exit 0 on SIGTERM after the drill");
    const db = await session.database.open();
    const integrity = await checkIntegrity(db).finally(() => db.close());
    failures.push(...integrity.failures);
    const counts = {
      outage: `${restoredAt - cutAt} ms, ${options.silent ? "silent (nothing passes, nothing refused)" : "connections reset and refused"}`,
      "alerts sent": log.sent,
      "sent during the outage": during.length,
      "  answered 503": during.filter((o) => o.status === 503).length,
      "  slowest answer": `${slowest} ms`,
      "/readyz during the outage": readyDuring,
      "connections refused while cut": proxy.refused(),
      "first 2xx after the return": recovered ? `${recovered.answeredAt - restoredAt} ms` : "never",
      "resent after the outage": resend.length,
      "ledger rows": rows.length,
      processed: rows.filter((r) => r.status === "processed").length,
      "max attempts": Math.max(0, ...rows.map((r) => r.attempts)),
      orders: integrity.counts.orders,
      "risk decisions": integrity.counts.decisions,
    };
    return { drill: "db-outage", database: "postgres", counts, failures, ...(failures.length > 0 ? { logTail: session.logTail() } : {}) };
  } finally {
    await session.close();
    await proxy.close();
  }
}
