import type { Database } from "../db/client.js";
import { rawQuery } from "../db/raw-query.js";
import { claimDueDelivery, fanOutEvents, recordDeliveryResult, type ClaimedDelivery, type UnfannedEvent } from "../db/repositories/notifications-repository.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { OutboxEventType } from "./events.js";
import { nextStep, type NextStep, type RetryPolicy, type SendOutcome } from "./retry-policy.js";
import { sendToSink, type Fetch } from "./send.js";
import { SinkSecretError, sinkRequest } from "./sink-requests.js";
import type { NotificationSinkConfig } from "./sinks-config.js";

export type NotificationDispatcher = {
  /** Starts the timer (not when pollMs is 0 or no sink is configured); idempotent. */
  start(): void;
  /** Stops the timer, aborts requests in flight (their deliveries are due again at once) and waits, bounded, for the lanes. */
  stop(): Promise<void>;
  /** Ticks now instead of at the next timer beat (after a test event is queued). */
  wake(): void;
  /**
   * One full pass now: fans out every new event, then sends every delivery that is due, sink by sink,
   * until none is. Tests drive it with an injected clock instead of the timer.
   */
  runOnce(): Promise<void>;
};

export type DispatcherOptions = {
  database: Database;
  clock: Clock;
  logger: Logger;
  sinks: readonly NotificationSinkConfig[];
  /** Where the sinks' URLs, tokens and secrets are read, at each send. */
  env: Readonly<Record<string, string | undefined>>;
  /** How often new events and due deliveries are looked for; 0: never on this instance. */
  pollMs: number;
  /** One request's timeout. */
  timeoutMs: number;
  policy: RetryPolicy;
  random?: (() => number) | undefined;
  fetch?: Fetch | undefined;
};

const FAN_OUT_BATCH = 100;
// A claim outlives its request by this much, so a slow database write after the answer cannot let another sender in.
const LEASE_MARGIN_MS = 30_000;
const STOP_WAIT_MS = 5000;

/**
 * Delivers the outbox, off the trading path. Each tick fans new events out to the sinks whose filter
 * takes them (one delivery row per event and sink), then runs one lane per sink: claim the sink's
 * oldest due delivery, send it, record the outcome, repeat until none is due. A sink that hangs or
 * refuses holds up its own lane only: every other sink, and trading, go on. Claims use SKIP LOCKED
 * and a lease, so several instances share the work and each attempt is made by one of them.
 */
export function createNotificationDispatcher(o: DispatcherOptions): NotificationDispatcher {
  const random = o.random ?? Math.random;
  const leaseMs = o.timeoutMs + LEASE_MARGIN_MS;
  const byName = new Map(o.sinks.map((s) => [s.name, s]));
  const lanes = new Map<string, Promise<void>>();
  let stopper = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const route = (e: UnfannedEvent): string[] =>
    e.sink !== null ? (byName.has(e.sink) ? [e.sink] : []) : o.sinks.filter((s) => (s.events as readonly string[]).includes(e.type)).map((s) => s.name);

  const fanOut = async () => {
    for (;;) {
      const taken = await o.database.db.transaction((tx) => fanOutEvents(rawQuery(tx), { now: o.clock.now(), limit: FAN_OUT_BATCH, route }));
      if (taken < FAN_OUT_BATCH) return;
    }
  };

  const deliver = async (sink: NotificationSinkConfig, claimed: ClaimedDelivery) => {
    const event = { id: claimed.eventId, type: claimed.type as OutboxEventType, occurredAt: claimed.occurredAt, data: claimed.payload };
    let outcome: SendOutcome;
    try {
      const request = sinkRequest(sink, event, o.env, o.clock.now());
      outcome = await sendToSink(request, { timeoutMs: o.timeoutMs, stop: stopper.signal, now: () => o.clock.now(), fetch: o.fetch });
    } catch (err) {
      // Only a sink variable that went missing since boot: final, and named, never shown.
      outcome = { kind: "permanent", statusCode: null, error: err instanceof SinkSecretError ? err.message : "the request could not be built" };
    }
    const now = o.clock.now();
    // A request the shutdown cut off was not the receiver's fault: due again at once, on whichever instance runs next.
    const step: NextStep = stopper.signal.aborted && outcome.kind === "retryable" ? { status: "pending", nextAttemptAt: now } : nextStep(outcome, claimed.attempts, o.policy, now, random);
    const error = outcome.kind === "delivered" ? null : outcome.error;
    await recordDeliveryResult(o.database.query, {
      eventId: claimed.eventId,
      sink: sink.name,
      attempts: claimed.attempts,
      status: step.status,
      nextAttemptAt: step.status === "pending" ? step.nextAttemptAt : null,
      statusCode: outcome.statusCode,
      error,
      at: now,
    });
    if (error !== null) {
      const fields = { sink: sink.name, eventId: claimed.eventId, type: claimed.type, attempts: claimed.attempts, status: step.status, error };
      o.logger.warn(fields, step.status === "failed" ? "notification delivery failed for good" : "notification delivery failed; will retry");
    }
  };

  const drain = async (sink: NotificationSinkConfig) => {
    while (!stopper.signal.aborted) {
      const now = o.clock.now();
      const claimed = await claimDueDelivery(o.database.query, { sink: sink.name, now, leaseUntil: new Date(now.getTime() + leaseMs) });
      if (!claimed) return;
      await deliver(sink, claimed);
    }
  };

  /** The sink's lane: after the one already running, if any, so a sink's deliveries go one at a time. */
  const lane = (sink: NotificationSinkConfig): Promise<void> => {
    const run = (lanes.get(sink.name) ?? Promise.resolve())
      .then(() => drain(sink))
      .catch((err: unknown) => o.logger.warn({ err, sink: sink.name }, "notification lane failed; will retry"));
    lanes.set(sink.name, run);
    void run.finally(() => {
      if (lanes.get(sink.name) === run) lanes.delete(sink.name);
    });
    return run;
  };

  const tick = () => {
    ticking ??= (async () => {
      await fanOut();
      for (const sink of o.sinks) if (!lanes.has(sink.name)) void lane(sink);
    })()
      .catch((err: unknown) => o.logger.warn({ err }, "notification dispatch failed; will retry"))
      .finally(() => (ticking = undefined));
  };

  return {
    start: () => {
      if (timer || o.pollMs === 0 || o.sinks.length === 0) return;
      if (stopper.signal.aborted) stopper = new AbortController();
      timer = setInterval(tick, o.pollMs);
      timer.unref();
      tick();
    },
    stop: async () => {
      clearInterval(timer);
      timer = undefined;
      stopper.abort();
      const settled = Promise.all([ticking, ...lanes.values()]);
      await Promise.race([settled, new Promise<void>((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    },
    wake: () => {
      if (timer) tick();
    },
    runOnce: async () => {
      await ticking;
      await fanOut();
      await Promise.all(o.sinks.map(lane));
    },
  };
}
