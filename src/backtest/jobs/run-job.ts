import type { Database, Db } from "../../db/client.js";
import type { JobEnd } from "../../db/repositories/job-rows-repository.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { Notifier } from "../../notifications/notifier.js";
import type { WorkerOutcome, WorkerRun } from "./worker-thread.js";

export type JobRunnerDeps = {
  readonly database: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `<instance id>/<boot nonce>`: whose run a row is. */
  readonly runner: string;
  readonly workerUrl: URL;
  /** The PostgreSQL URL a backtest's worker reads its candles with; unset (PGlite): this thread reads them. */
  readonly candleSourceUrl?: string | undefined;
  /** How often progress is written and the row's cancel flag read (about once a second). */
  readonly heartbeatMs: number;
  /** Queues a new job for a row a shutdown put back in the queue. */
  readonly resend: (id: string) => Promise<void>;
  /** Told when a backtest ends (succeeded, failed, cancelled, timed out), right after the row says so. */
  readonly notifier?: Notifier | undefined;
};

/** cancel: a client asked. timeout: past its time. shutdown: the gateway is stopping. lost: the row is no longer ours. */
export type StopReason = "cancel" | "timeout" | "shutdown" | "lost";

export type ActiveRun = { stop(reason: StopReason): void };

/** How a run ended, once its row says so. */
export type JobEnded<Result> = {
  readonly status: JobEnd["status"] | "succeeded";
  readonly errorCode: string | null;
  /** The worker's result, when the run got that far (a cancel may still have dropped it). */
  readonly result: Result | null;
  readonly finishedAt: Date;
};

/** One run's own half, made for its claimed row: what it loads, how it reports progress, how its result is stored. */
export type JobRun<Inputs, Result> = {
  /** Reads the worker's inputs on this thread, in pages; `signal` stops it. `missing`: candles removed since it was queued. */
  load(signal: AbortSignal): Promise<Inputs | { missing: string }>;
  /**
   * Progress and heartbeat in one write; answers whether a cancel was requested, or undefined when
   * the row is no longer this runner's. `loaded`: the beat right after load, which writes its totals.
   */
  heartbeat(now: Date, loaded: boolean): Promise<{ cancelRequested: boolean } | undefined>;
  /** Starts the worker thread; its progress messages update what `heartbeat` writes. */
  start(inputs: Inputs, onCrash: (err: Error) => void): WorkerRun<Result>;
  /** Stores the result: the status written (a cancel requested meanwhile wins), or undefined when the row is no longer ours. */
  complete(result: Result, now: Date): Promise<"succeeded" | "cancelled" | undefined>;
  /** Right after the row's final write by this run, each write its own transaction. Never throws. */
  finished?(ended: JobEnded<Result>): Promise<void>;
};

/** What one kind of job (a backtest, a parameter search) brings to runJob: its rows' writes and each run's own half. */
export type JobDefinition<Row extends { readonly timeoutSeconds: number }, Inputs, Result> = {
  /** Names it in the log and in what a client reads: "an internal error stopped the <noun>". */
  readonly noun: string;
  /** The log field that carries its id. */
  readonly logKey: string;
  /**
   * Whether a refusal's own code from the worker (a ResearchInputError's, e.g. SPLIT_EMPTY) is stored
   * as the error code. Otherwise ENGINE_ERROR: the kind's codes are a closed list without them.
   */
  readonly storesRefusalCodes: boolean;
  claim(db: Db, input: { id: string; runner: string; now: Date }): Promise<Row | undefined>;
  end(db: Db, input: { id: string; runner: string; now: Date; end: JobEnd }): Promise<boolean>;
  requeue(db: Db, input: { id: string; runner: string }): Promise<boolean>;
  open(deps: JobRunnerDeps, row: Row): JobRun<Inputs, Result>;
};

/** A cancelled worker that has not stopped within this long is terminated (a search's candidate reads the flag every 50 000 bars). */
const CANCEL_GRACE_MS = 5000;

/**
 * Runs one queued job to its end, if it is still queued: claims the row, loads its inputs on this
 * thread in pages, runs it in a worker thread, heartbeats while it runs (the row's cancel flag is
 * read with each), and writes the outcome: succeeded, failed, cancelled or timed_out, or back to the
 * queue on a shutdown. `active` holds it while it runs, so a cancel or a shutdown can reach it.
 * Never throws: every way it can end is written to the row.
 */
export async function runJob<Row extends { readonly timeoutSeconds: number }, Inputs, Result>(
  job: JobDefinition<Row, Inputs, Result>,
  deps: JobRunnerDeps,
  id: string,
  active: Map<string, ActiveRun>,
): Promise<void> {
  const { database, clock, logger, runner } = deps;
  const { noun } = job;
  const about = { [job.logKey]: id };
  const internalMessage = `an internal error stopped the ${noun}; the gateway's log has the cause`;
  const row = await job.claim(database.db, { id, runner, now: clock.now() });
  if (!row) return;
  const run = job.open(deps, row);

  let reason: StopReason | undefined;
  let worker: WorkerRun<Result> | undefined;
  const abort = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  const stop = (why: StopReason) => {
    // The first reason decides how the run ends; a later hard stop still ends the thread at once.
    reason ??= why;
    abort.abort();
    if (why === "cancel") {
      worker?.cancel();
      timers.push(setTimeout(() => worker?.terminate(), CANCEL_GRACE_MS));
    } else worker?.terminate();
  };
  active.set(id, { stop });

  let beating = false;
  const beat = async (loaded = false) => {
    if (beating) return;
    beating = true;
    try {
      const held = await run.heartbeat(clock.now(), loaded);
      if (!held) stop("lost");
      else if (held.cancelRequested) stop("cancel");
    } catch (err) {
      logger.warn({ err, ...about }, `recording ${noun} progress failed; will retry`);
    } finally {
      beating = false;
    }
  };
  timers.push(setInterval(() => void beat(), deps.heartbeatMs));
  timers.push(setTimeout(() => stop("timeout"), row.timeoutSeconds * 1000));

  const end = async (value: JobEnd) => {
    const now = clock.now();
    if ((await job.end(database.db, { id, runner, now, end: value })) && run.finished) {
      await run.finished({ status: value.status, errorCode: value.errorCode ?? null, result: null, finishedAt: now });
    }
  };
  const endStopped = async (why: StopReason) => {
    if (why === "cancel") await end({ status: "cancelled" });
    else if (why === "timeout") await end({ status: "timed_out", errorMessage: `stopped after its timeout of ${row.timeoutSeconds} s` });
    else if (why === "shutdown") {
      if (await job.requeue(database.db, { id, runner })) await deps.resend(id);
    } else logger.warn(about, `${noun} was finished elsewhere while it ran here; its run is dropped`);
  };

  const settle = async (outcome: WorkerOutcome<Result>): Promise<void> => {
    if (outcome.kind === "result") {
      // It finished: a stop that came too late to interrupt it does not throw the result away (a cancel still does).
      const now = clock.now();
      const written = await run.complete(outcome.result, now);
      if (written === undefined) logger.warn(about, `${noun} was finished elsewhere while it ran here; its result is dropped`);
      else await run.finished?.({ status: written, errorCode: null, result: outcome.result, finishedAt: now });
      return;
    }
    if (outcome.kind === "cancelled") return void (await end({ status: "cancelled" }));
    if (reason) return endStopped(reason);
    if (outcome.kind === "error") {
      const errorCode = (job.storesRefusalCodes ? outcome.code : undefined) ?? "ENGINE_ERROR";
      return void (await end({ status: "failed", errorCode, errorMessage: outcome.message }));
    }
    logger.error({ ...about, outcome }, `${noun} worker died`);
    await end({ status: "failed", errorCode: "WORKER_CRASHED", errorMessage: outcome.kind === "crashed" ? outcome.message : internalMessage });
  };

  try {
    const inputs = await run.load(abort.signal);
    if (isMissing(inputs)) return void (await end({ status: "failed", errorCode: "CANDLES_MISSING", errorMessage: inputs.missing }));
    await beat(true);
    if (reason) return void (await endStopped(reason));
    worker = run.start(inputs, (err) => logger.error({ err, ...about }, `${noun} worker thread failed`));
    await settle(await worker.outcome);
  } catch (err) {
    if (reason && abort.signal.aborted && (err as Error)?.name === "AbortError") {
      await endStopped(reason).catch((e: unknown) => logger.error({ err: e, ...about }, `ending a stopped ${noun} failed`));
    } else {
      logger.error({ err, ...about }, `${noun} failed`);
      await end({ status: "failed", errorCode: "INTERNAL", errorMessage: internalMessage }).catch(() => {});
    }
  } finally {
    for (const timer of timers) clearTimeout(timer);
    active.delete(id);
  }
}

function isMissing<Inputs>(loaded: Inputs | { missing: string }): loaded is { missing: string } {
  return typeof loaded === "object" && loaded !== null && "missing" in loaded;
}
