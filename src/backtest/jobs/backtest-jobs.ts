import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import type { Database, Db } from "../../db/client.js";
import { failInterruptedBacktests, queuedBacktestIds } from "../../db/repositories/backtests-repository.js";
import { failInterruptedParameterSearches, queuedParameterSearchIds } from "../../db/repositories/parameter-searches-repository.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { Notifier } from "../../notifications/notifier.js";
import type { BacktestJobsPort } from "../service/context.js";
import { bossDatabase, bossTransaction } from "./pg-boss-db.js";
import { runBacktestJob } from "./run-backtest-job.js";
import type { ActiveRun, JobRunnerDeps } from "./run-job.js";
import { runParameterSearchJob } from "./run-parameter-search-job.js";
import { defaultWorkerUrl } from "./worker-thread.js";
import { createIdleWaiters } from "../../lib/idle-waiters.js";

export const BACKTEST_QUEUE = "backtests";
export const PARAMETER_SEARCH_QUEUE = "parameter-searches";
export const BOSS_SCHEMA = "pgboss";

/** What the workers take from the queues: each kind's queue, the payload field naming its row, and its runner. */
type JobKind = {
  readonly queue: string;
  readonly key: "backtestId" | "searchId";
  readonly noun: string;
  readonly run: (deps: JobRunnerDeps, id: string, active: Map<string, ActiveRun>) => Promise<void>;
  readonly failInterrupted: typeof failInterruptedBacktests;
  readonly queuedIds: typeof queuedBacktestIds;
};

// Backtests first: a worker between jobs takes a waiting backtest (seconds) before a search (minutes).
const KINDS: readonly JobKind[] = [
  { queue: BACKTEST_QUEUE, key: "backtestId", noun: "backtest", run: runBacktestJob, failInterrupted: failInterruptedBacktests, queuedIds: queuedBacktestIds },
  {
    queue: PARAMETER_SEARCH_QUEUE,
    key: "searchId",
    noun: "parameter search",
    run: runParameterSearchJob,
    failInterrupted: failInterruptedParameterSearches,
    queuedIds: queuedParameterSearchIds,
  },
];
const [BACKTESTS, SEARCHES] = KINDS as [JobKind, JobKind];

export type BacktestJobs = BacktestJobsPort & {
  /** After migrations: installs pg-boss's schema, settles what a crash left behind, starts the workers. */
  start(): Promise<void>;
  /** Stops the workers; running backtests go back to the queue. Bounded: never holds up a shutdown for long. */
  stop(): Promise<void>;
};

export type BacktestJobsOptions = {
  database: Database;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  /** Backtests and parameter searches run at once here; 0 queues without running any. */
  concurrency: number;
  /** BACKTEST_TIMEOUT_SECONDS: a job's pg-boss expiry is set past it, so pg-boss never expires a run we still own. */
  timeoutSeconds: number;
  /** The worker thread's entry; tests pass one that holds still until stopped. */
  workerUrl?: URL;
  /** PostgreSQL's URL: backtest workers read their candles over connections of their own (none on PGlite). */
  candleSourceUrl?: string | undefined;
  pollSeconds?: number;
  heartbeatMs?: number;
  /** A running backtest whose heartbeat is older than this belongs to a dead process. */
  staleAfterMs?: number;
  /** How long stop() waits for running backtests to hand back their rows. */
  stopTimeoutMs?: number;
  /** Told when a backtest run ends. */
  notifier?: Notifier | undefined;
};

const interruptedMessage = (noun: string) => `the gateway running this ${noun} stopped without finishing it; submit it again`;

/**
 * Backtest jobs on pg-boss, on the gateway's own database (PGlite included) under the `pgboss` schema.
 * The backtests row is the truth and a job only carries its id, so a job delivered twice, or for a
 * cancelled backtest, does nothing. Rows left `running` by a crash are failed (INTERRUPTED), never
 * retried: what killed the process may be the backtest itself. A clean shutdown re-queues instead.
 *
 * The workers are this module's own loops over `fetch` and `complete` rather than pg-boss's `work`:
 * `work` completes a job without awaiting it, so a database error at that moment would surface as an
 * unhandled rejection (which stops the gateway), and its workers cannot be awaited on shutdown.
 *
 * Parameter searches share the workers (and BACKTEST_CONCURRENCY) on a queue of their own, with the
 * same rules: their rows are the truth, a crash fails them, a shutdown re-queues them.
 */
export function createBacktestJobs(options: BacktestJobsOptions): BacktestJobs {
  const { database, clock, logger } = options;
  const bootPrefix = `${options.instanceId}/`;
  const runner = `${bootPrefix}${randomUUID().slice(0, 8)}`;
  const expireInSeconds = options.timeoutSeconds + 600;
  const pollMs = (options.pollSeconds ?? 1) * 1000;
  const staleAfterMs = options.staleAfterMs ?? 120_000;
  const active = new Map<string, ActiveRun>();
  let boss: PgBoss | undefined;
  let loops: Array<Promise<void>> = [];
  let sweep: NodeJS.Timeout | undefined;
  let stopping = false;
  const { idle, wakeAll } = createIdleWaiters(pollMs);

  const send = async (kind: JobKind, id: string, db?: PgBoss.Db) => {
    if (!boss) return;
    await boss.send(kind.queue, { [kind.key]: id }, { retryLimit: 0, expireInSeconds, ...(db ? { db } : {}) });
  };

  const depsOf = (kind: JobKind): JobRunnerDeps => ({
    database,
    clock,
    logger,
    runner,
    workerUrl: options.workerUrl ?? defaultWorkerUrl(),
    heartbeatMs: options.heartbeatMs ?? 1000,
    resend: (id: string) => send(kind, id),
    notifier: options.notifier,
    candleSourceUrl: options.candleSourceUrl,
  });
  const deps = new Map(KINDS.map((kind) => [kind, depsOf(kind)]));

  // pg-boss's fetch answers [] when the database is briefly unreachable: the jobs are safe in it.
  const fetchNext = async (queue: PgBoss) => {
    for (const kind of KINDS) {
      const [job] = await queue.fetch<Record<string, string>>(kind.queue, { batchSize: 1 }).catch(() => []);
      if (job) return { kind, job, id: job.data[kind.key] as string };
    }
    return undefined;
  };

  const loop = async (queue: PgBoss) => {
    while (!stopping) {
      const next = await fetchNext(queue);
      if (!next) {
        if (!stopping) await idle();
        continue;
      }
      const { kind, job, id } = next;
      try {
        if (stopping) await send(kind, id); // fetched as the workers stop: another instance may take it now
        else await kind.run(deps.get(kind) as JobRunnerDeps, id, active);
        await queue.complete(kind.queue, job.id);
      } catch (err) {
        // The row is unaffected (the runners never throw); the job expires in pg-boss and a queued row is sent again at the next start.
        logger.warn({ err, [kind.key]: id }, `${kind.noun} job bookkeeping failed`);
      }
    }
  };

  const failInterrupted = async () => {
    const now = clock.now();
    for (const kind of KINDS) {
      const failed = await kind.failInterrupted(database.db, {
        ownPrefix: bootPrefix,
        runner,
        staleBefore: new Date(now.getTime() - staleAfterMs),
        now,
        message: interruptedMessage(kind.noun),
      });
      if (failed.length > 0) logger.warn({ [kind.queue]: failed }, `failed ${kind.noun}s a stopped gateway left running`);
    }
  };

  return {
    start: async () => {
      if (boss) return;
      stopping = false;
      const instance = new PgBoss({ db: bossDatabase(database), schema: BOSS_SCHEMA, schedule: false, supervise: true, migrate: true });
      instance.on("error", (err: unknown) => logger.warn({ err }, "backtest queue maintenance failed; will retry"));
      await instance.start();
      for (const kind of KINDS) await instance.createQueue(kind.queue);
      boss = instance;
      await failInterrupted();
      // Rows whose job was lost (a shutdown mid-fetch, a send that failed) get one now; extra deliveries are no-ops.
      for (const kind of KINDS) for (const id of await kind.queuedIds(database.db)) await send(kind, id);
      loops = Array.from({ length: options.concurrency }, () => loop(instance));
      sweep = setInterval(() => void failInterrupted().catch((err: unknown) => logger.warn({ err }, "backtest sweep failed; will retry")), 60_000);
      sweep.unref();
    },
    stop: async () => {
      if (!boss) return;
      stopping = true;
      clearInterval(sweep);
      wakeAll();
      for (const run of active.values()) run.stop("shutdown");
      const bounded = (work: Promise<unknown>, ms: number) => Promise.race([work, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
      if (!(await bounded(Promise.all(loops).then(() => true), options.stopTimeoutMs ?? 10_000))) {
        logger.warn("backtest workers outlived the shutdown timeout; their rows are settled at the next start");
      }
      await bounded(boss.stop({ graceful: false, close: false }), 5000).catch((err: unknown) => logger.warn({ err }, "stopping the backtest queue failed"));
      boss = undefined;
      loops = [];
    },
    enqueue: (tx: Db, backtestId: string) => send(BACKTESTS, backtestId, bossTransaction(tx)),
    wake: wakeAll,
    cancelLocal: (backtestId: string) => active.get(backtestId)?.stop("cancel"),
    searches: {
      enqueue: (tx: Db, searchId: string) => send(SEARCHES, searchId, bossTransaction(tx)),
      // Ids carry their kind's prefix, so one map of active runs serves both.
      cancelLocal: (searchId: string) => active.get(searchId)?.stop("cancel"),
    },
  };
}
