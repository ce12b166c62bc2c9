import { randomUUID } from "node:crypto";
import type { Database, Db } from "../../db/client.js";
import { rawQuery, type RawQuery } from "../../db/raw-query.js";
import {
  claimNextSignal,
  finishSignal,
  releaseClaim,
  requeueClaimsOfEarlierRuns,
  requeueExpiredClaims,
  type ClaimedSignal,
} from "../../db/repositories/signal-queue-repository.js";
import { deleteExpiredDedupeKeys } from "../../db/repositories/signals-repository.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { createIdleWaiters } from "../../lib/idle-waiters.js";
import { waitAtMost } from "../../lib/wait-at-most.js";

/**
 * Marks the claimed signal processed with `result`, inside the handler's transaction `tx`, so the
 * signal's effects and its status commit together. Throws when the claim was lost (its lease ran out
 * and another worker took the signal): the handler's transaction must then roll back.
 */
export type CompleteSignal = (tx: Db, result: Record<string, unknown>) => Promise<void>;

/**
 * Processes one signal. The handler owns its transactions and must end with `complete` inside the
 * last one: a paper signal does all its work in that one transaction; a live signal commits each
 * order's intent before calling the venue, so it needs several.
 */
export type SignalHandler = (signal: ClaimedSignal, complete: CompleteSignal) => Promise<void>;

/** A handler whose work fits in one transaction, the one that completes the signal. */
export function inOneTransaction(
  database: Database,
  work: (signal: ClaimedSignal, tx: Db) => Promise<Record<string, unknown>>,
): SignalHandler {
  return (signal, complete) => database.db.transaction(async (tx) => complete(tx, await work(signal, tx)));
}

/** The claim expired and another worker took the signal: this worker's work is rolled back. */
class ClaimLostError extends Error {
  constructor(readonly signalId: string) {
    super(`claim on signal ${signalId} was lost before processing finished`);
  }
}

export type SignalWorkerOptions = {
  database: Database;
  clock: Clock;
  logger: Logger;
  handler: SignalHandler;
  instanceId: string;
  concurrency: number;
  leaseMs: number;
  /** How often an idle worker looks for work it was not woken for (other instances' signals, expired claims). */
  pollMs?: number;
  maxAttempts?: number;
  /** How long stop() waits for in-flight signals before giving up on them (default 5 s). */
  stopWaitMs?: number;
  /** How often expired claims are released (and, every 12th time, expired dedupe keys deleted). */
  maintenanceMs?: number;
};

export type SignalWorkers = {
  /**
   * Called after a commit so queued work starts now rather than at the next poll. Given the lanes
   * the commit queued work on, it wakes nobody when a worker of this instance is busy on each of
   * them: that worker claims again as soon as it finishes, and the new signal is then its lane's
   * head. A wake there would only send a claim that finds the lane busy.
   */
  wake(lanes?: readonly string[]): void;
  /** Stops claiming; resolves when in-flight signals are finished. */
  stop(): Promise<void>;
};

/**
 * Processes queued signals: each worker claims the head of a free lane, runs the handler and
 * finishes the claim, claiming its next signal in the same transaction. A crash leaves the claim to
 * expire (or, for this instance, to be released at the next start), and the signal is processed
 * again from the start of its lane.
 */
export async function startSignalWorkers(options: SignalWorkerOptions): Promise<SignalWorkers> {
  const { database, clock, logger } = options;
  const db = database.db;
  const bootPrefix = `${options.instanceId}/${randomUUID().slice(0, 8)}/`;
  const maxAttempts = options.maxAttempts ?? 3;
  const released = await requeueClaimsOfEarlierRuns(db, `${options.instanceId}/`, bootPrefix, { maxAttempts, now: clock.now() });
  if (released.requeued > 0) logger.warn({ released: released.requeued }, "released signals claimed by an earlier run of this instance");
  logAbandoned(logger, released.abandoned);

  const pollMs = options.pollMs ?? 500;
  const stopWaitMs = options.stopWaitMs ?? 5000;
  let stopping = false;
  // One commit is one signal: waking a single idle worker is enough, and waking all of them would
  // send a burst of claim queries per webhook. A busy worker claims again before it idles.
  const { idle, wakeOne, wakeAll } = createIdleWaiters(pollMs);
  // Lanes a worker of this instance holds now, with how many (a lost claim can briefly make two).
  const busyLanes = new Map<string, number>();
  const wake = (lanes?: readonly string[]) => {
    if (lanes && lanes.length > 0 && lanes.every((lane) => busyLanes.has(lane))) return;
    wakeOne();
  };

  const claimWith = (query: RawQuery, workerId: string) => claimNextSignal(query, { workerId, now: clock.now(), leaseMs: options.leaseMs });

  /**
   * Runs the handler on a claimed signal. Its completion claims the worker's next signal in the
   * same transaction (see claimNextSignal), which is returned once that transaction has committed;
   * undefined when there was none, or when the work failed and rolled the claim back with it.
   */
  const processClaimed = async (workerId: string, claimed: ClaimedSignal): Promise<ClaimedSignal | undefined> => {
    busyLanes.set(claimed.lane, (busyLanes.get(claimed.lane) ?? 0) + 1);
    let next: ClaimedSignal | undefined;
    try {
      await options.handler(claimed, async (tx, result) => {
        const query = rawQuery(tx);
        // Pipelined: the claim runs after the finish, so this lane's next signal is already its head.
        const [finished, claimedNext] = await Promise.all([
          finishSignal(query, { id: claimed.id, workerId, status: "processed", result, now: clock.now() }),
          stopping ? undefined : claimWith(query, workerId),
        ]);
        if (!finished) throw new ClaimLostError(claimed.id);
        next = claimedNext;
      });
      return next;
    } catch (err) {
      if (err instanceof ClaimLostError) {
        // Its new holder processes it from the start; what this worker did was rolled back.
        logger.warn({ signalId: claimed.id }, "signal claim expired before processing finished; rolled back");
        return undefined;
      }
      const exhausted = claimed.attempts >= maxAttempts;
      logger.error({ err, signalId: claimed.id, attempts: claimed.attempts }, "signal processing failed");
      const result = { error: "PROCESSING_FAILED", attempts: claimed.attempts };
      await finishSignal(database.query, { id: claimed.id, workerId, status: exhausted ? "failed" : "queued", result, now: clock.now() });
      return undefined;
    } finally {
      const left = (busyLanes.get(claimed.lane) ?? 1) - 1;
      if (left > 0) busyLanes.set(claimed.lane, left);
      else busyLanes.delete(claimed.lane);
      // A signal committed on this lane while it was busy woke nobody: this worker was to claim it.
      // Without a next signal it claims again at once and finds it. Having claimed another lane's
      // signal instead (that one may have committed after the claim ran), it wakes an idle worker.
      if (next && next.lane !== claimed.lane) wakeOne();
    }
  };

  const loop = async (n: number) => {
    const workerId = `${bootPrefix}${n}`;
    let next: ClaimedSignal | undefined;
    while (!stopping) {
      try {
        const claimed = next ?? (await claimWith(database.query, workerId));
        next = undefined;
        if (claimed) {
          next = await processClaimed(workerId, claimed);
          continue;
        }
      } catch (err) {
        // The database may be briefly unreachable; the signals are safe in it, so wait and retry.
        logger.error({ err }, "signal worker could not reach the queue");
      }
      if (!stopping) await idle();
    }
    // Stopping with the next signal claimed but not started: it goes back to its lane's head.
    if (next) await releaseClaim(database.query, { id: next.id, workerId }).catch((err: unknown) => logger.warn({ err, signalId: next?.id }, "could not release a claim at shutdown; it expires with its lease"));
  };

  const loops = Array.from({ length: options.concurrency }, (_, n) => loop(n));
  const maintenance = startMaintenance(options);
  return {
    wake,
    stop: async () => {
      stopping = true;
      clearInterval(maintenance);
      wakeAll();
      // A worker caught in a transaction when the database went away can wait on its connection for
      // as long as the outage lasts; a shutdown must not. Its signal is safe: nothing of it committed,
      // and its claim is released at the next start (or expires for the other instances).
      if (!(await waitAtMost(Promise.all(loops), stopWaitMs))) logger.warn({ waitedMs: stopWaitMs }, "signal workers still busy at shutdown; their signals will be processed again");
    },
  };
}

/**
 * Off the claim path, on a timer: expired claims go back to the queue, and content dedupe keys past
 * their window are deleted so the table holds only what can still match.
 */
function startMaintenance(options: SignalWorkerOptions): NodeJS.Timeout {
  const { database, clock, logger } = options;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = clock.now();
    const sweepDedupe = ticks++ % 12 === 0;
    void (async () => {
      logAbandoned(logger, (await requeueExpiredClaims(database.db, now, options.maxAttempts ?? 3)).abandoned);
      if (sweepDedupe) await deleteExpiredDedupeKeys(database.db, now);
    })().catch((err: unknown) => logger.warn({ err }, "queue maintenance failed; will retry"));
  }, options.maintenanceMs ?? 5000);
  timer.unref();
  return timer;
}

function logAbandoned(logger: SignalWorkerOptions["logger"], abandoned: number): void {
  if (abandoned > 0) logger.error({ abandoned }, "signals whose every attempt ended with its worker dead or stuck are failed (PROCESSING_ABANDONED)");
}
