import { acknowledged, AlertLog, startAlertStream } from "./alerts.js";
import { waitForProcessing } from "./api.js";
import { backtestStates, importCandles, submitBacktests } from "./backtests.js";
import { checkAcknowledged, checkNoDuplicateAlerts, checkOrdersUnique, checkSettled } from "./checks.js";
import { sleep, stopGateway, within, type Gateway } from "./gateway.js";
import { checkIntegrity, leftRunning } from "./integrity.js";
import type { DrillReport } from "./report.js";
import { openSession } from "./session.js";

export type SigtermDrillOptions = {
  adminUrl?: string | undefined;
  senders: number;
  /** Alerts acknowledged before SIGTERM is sent. */
  warmupAcks: number;
  /** Backtests queued before the load starts (BACKTEST_CONCURRENCY 1: one runs, the rest wait). */
  backtests: number;
  /** The longest the gateway may take to exit after SIGTERM. */
  exitWithinMs: number;
  settleMs: number;
};

export const SIGTERM_DEFAULTS: SigtermDrillOptions = { senders: 8, warmupAcks: 100, backtests: 3, exitWithinMs: 10_000, settleMs: 60_000 };

/**
 * Graceful shutdown under load: alerts stream in (and backtests run) when SIGTERM arrives. Every
 * alert sent before the signal gets an answer, 2xx or a clean 503; the process exits 0 within the
 * bound; it leaves no signal processing and no backtest running; a restart finishes the rest.
 */
export async function runSigtermDrill(options: SigtermDrillOptions): Promise<DrillReport> {
  const session = await openSession({ adminUrl: options.adminUrl });
  const log = new AlertLog();
  const failures: string[] = [];
  const counts: Record<string, number | string> = {};
  try {
    const gateway = await session.boot();
    const strategy = await session.api.createStrategy("sigterm");
    const range = options.backtests > 0 ? await importCandles(session.url, session.apiKey) : undefined;
    const stream = startAlertStream({ url: `${session.url}${strategy.webhookPath}`, log, senders: options.senders });
    const deadline = Date.now() + 60_000;
    while (log.outcomes.filter(acknowledged).length < options.warmupAcks && gateway.running() && Date.now() < deadline) await sleep(10);
    // Submitted late, so that one is running and the others wait when the signal comes.
    const backtests = range ? await submitBacktests(session.url, session.apiKey, range, options.backtests) : [];
    let atSignal = await backtestStates(session.url, session.apiKey, backtests);
    while (backtests.length > 0 && !atSignal.some((b) => b.status === "running") && Date.now() < deadline) {
      await sleep(20);
      atSignal = await backtestStates(session.url, session.apiKey, backtests);
    }

    const signalledAt = Date.now();
    gateway.child.kill("SIGTERM");
    const exit = await within(gateway.exited, 30_000);
    await stream.stop();
    if (!exit) {
      failures.push("the gateway had not exited 30 s after SIGTERM");
      gateway.child.kill("SIGKILL");
      await gateway.exited;
    } else {
      const exitMs = exit.at - signalledAt;
      counts["exit after SIGTERM"] = `${exit.code ?? exit.signal} in ${exitMs} ms`;
      if (exit.code !== 0) failures.push(`the gateway exited ${exit.code ?? exit.signal} on SIGTERM, not 0`);
      if (exitMs > options.exitWithinMs) failures.push(`the gateway took ${exitMs} ms to exit (bound ${options.exitWithinMs} ms)`);
    }

    // Sent before the signal: the gateway had it, so it owes an answer. Sent after: it may refuse.
    const before = log.outcomes.filter((o) => o.sentAt < signalledAt);
    const after = log.outcomes.filter((o) => o.sentAt >= signalledAt);
    const clean = (o: (typeof before)[number]) => acknowledged(o) || (o.status === 503 && o.code === "SERVICE_UNAVAILABLE");
    const dropped = before.filter((o) => !clean(o));
    if (dropped.length > 0) {
      const why = [...new Set(dropped.map((o) => o.error ?? `${o.status} ${o.code}`))].join(", ");
      failures.push(`${dropped.length} alerts sent before SIGTERM got no clean answer (${why})`);
    }
    const badAfter = after.filter((o) => o.status !== undefined && !clean(o));
    if (badAfter.length > 0) failures.push(`${badAfter.length} alerts sent after SIGTERM were answered neither 2xx nor 503`);

    // Straight from the database, before anything restarts: what the stopped process left claimed.
    const stopped = await session.database.open();
    let left;
    try {
      left = await leftRunning(stopped);
    } finally {
      await stopped.close();
    }
    if (left.signals > 0) failures.push(`${left.signals} signals were left processing`);
    if (left.backtests > 0) failures.push(`${left.backtests} backtests were left running`);
    if (left.searches > 0) failures.push(`${left.searches} parameter searches were left running`);

    await session.boot();
    const rows = await waitForProcessing(session.api, "sigterm", options.settleMs);
    let finalStates = await backtestStates(session.url, session.apiKey, backtests);
    const btDeadline = Date.now() + options.settleMs;
    while (finalStates.some((b) => b.status === "queued" || b.status === "running") && Date.now() < btDeadline) {
      await sleep(250);
      finalStates = await backtestStates(session.url, session.apiKey, backtests);
    }
    const unfinished = finalStates.filter((b) => b.status !== "succeeded");
    if (unfinished.length > 0) failures.push(`${unfinished.length} backtests did not succeed after the restart (${unfinished.map((b) => `${b.id} ${b.status}${b.error ? ` ${b.error}` : ""}`).join(", ")})`);
    const orders = await session.api.orders("sigterm");
    const acks = log.acknowledged();
    failures.push(...checkAcknowledged(acks, rows), ...checkNoDuplicateAlerts(rows), ...checkSettled(rows), ...checkOrdersUnique(orders));

    if ((await stopGateway(session.current() as Gateway))?.code !== 0) failures.push("the restarted gateway did not exit 0 on SIGTERM");
    const db = await session.database.open();
    try {
      const integrity = await checkIntegrity(db);
      failures.push(...integrity.failures);
      Object.assign(counts, {
        "alerts sent before SIGTERM": before.length,
        "  answered 2xx": before.filter(acknowledged).length,
        "  answered 503": before.filter((o) => o.status === 503).length,
        "  no answer": dropped.filter((o) => o.error).length,
        "alerts sent after SIGTERM": after.length,
        "  answered": after.filter((o) => o.status !== undefined).length,
        "  refused (not listening)": after.filter((o) => o.error).length,
        "backtests at SIGTERM": atSignal.map((b) => b.status).join(", ") || "none",
        "left processing / running": `${left.signals} signals, ${left.backtests} backtests`,
        "backtests after restart": finalStates.map((b) => b.status).join(", ") || "none",
        "ledger rows": rows.length,
        orders: integrity.counts.orders,
      });
    } finally {
      await db.close();
    }
    return { drill: "sigterm", database: session.database.kind, counts, failures, ...(failures.length > 0 ? { logTail: session.logTail() } : {}) };
  } finally {
    await session.close();
  }
}
