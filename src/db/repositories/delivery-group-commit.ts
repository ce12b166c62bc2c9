import type { Database } from "../client.js";
import { batchStatement, outcomesOf, type BatchRow, type CommitOutcome, type DeliveryCommit } from "./delivery-statement.js";

/**
 * Group commit for deliveries. Each delivery must be durable before its 2xx, and a commit costs a
 * round trip and a WAL flush; worse, deliveries to the same lane (strategy + symbol) hold its lock
 * until they commit, so one lane would commit one delivery per flush. While a commit is in flight,
 * the deliveries that arrive wait for it and then go together in one statement. An idle gateway
 * commits a lone delivery at once, so batching adds no latency at low load; under load the batch
 * grows with the queue.
 *
 * Two deliveries with the same dedupe key never share a batch: the second waits for the next one,
 * where it finds the first's claim and is recognised as its duplicate.
 */
const MAX_BATCH = 64;

/** The database did not confirm a delivery's commit in time; it may still land (a resend within the dedupe window is then its duplicate). */
export class CommitTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the database did not confirm the commit within ${timeoutMs} ms`);
    this.name = "CommitTimeoutError";
  }
}

type Waiting = {
  readonly commit: DeliveryCommit;
  settled: boolean;
  /** Resolves once the delivery has its answer: committed, failed or timed out. */
  readonly answered: Promise<void>;
  resolve(rows: CommitOutcome): void;
  reject(err: unknown): void;
};

export class DeliveryGroupCommit {
  private readonly waiting: Waiting[] = [];
  private draining = false;

  constructor(private readonly database: Database) {}

  /**
   * Once committed: the delivery's inserted rows (none for a duplicate), or 'stale' (see
   * delivery-statement.ts). With `timeoutMs`, a CommitTimeoutError once that long has passed without
   * an answer, whether the delivery still waits for its batch or its batch waits for the database:
   * a connection that hangs (a network path gone silent, a driver fault) must cost its senders a
   * prompt 503, not every later delivery an answer.
   */
  commit(commit: DeliveryCommit, timeoutMs?: number): Promise<CommitOutcome> {
    return new Promise<CommitOutcome>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let answer!: () => void;
      const answered = new Promise<void>((r) => (answer = r));
      const settle = (finish: () => void) => {
        if (waiting.settled) return;
        waiting.settled = true;
        clearTimeout(timer);
        finish();
        answer();
      };
      const waiting: Waiting = {
        commit,
        settled: false,
        answered,
        resolve: (rows) => settle(() => resolve(rows)),
        reject: (err) => settle(() => reject(err)),
      };
      if (timeoutMs !== undefined) timer = setTimeout(() => waiting.reject(new CommitTimeoutError(timeoutMs)), timeoutMs);
      this.waiting.push(waiting);
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.takeBatch();
        if (batch.length === 0) continue;
        // The next batch goes as soon as every delivery of this one has its answer: a statement the
        // database never answers holds its connection, not the deliveries that come after it.
        await Promise.race([this.commitBatch(batch), Promise.all(batch.map((w) => w.answered))]);
      }
    } finally {
      this.draining = false;
    }
  }

  /** The oldest waiting deliveries, up to MAX_BATCH, at most one per dedupe key; the rest keep their order. */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const keys = new Set<string>();
    let kept = 0;
    for (const item of this.waiting) {
      if (item.settled) continue; // timed out while it waited
      const key = item.commit.dedupe ? `${item.commit.strategyId}\u0000${item.commit.dedupe.key}` : undefined;
      if (batch.length < MAX_BATCH && (key === undefined || !keys.has(key))) {
        if (key !== undefined) keys.add(key);
        batch.push(item);
      } else {
        this.waiting[kept++] = item;
      }
    }
    this.waiting.length = kept;
    return batch;
  }

  private async commitBatch(batch: Waiting[]): Promise<void> {
    const commits = batch.map((w) => w.commit);
    let rows: BatchRow[];
    try {
      const { text, params } = batchStatement(commits);
      rows = await this.database.query<BatchRow>(text, params);
    } catch (err) {
      if (batch.length === 1) return (batch[0] as Waiting).reject(err);
      // One delivery that cannot be stored must not take the others down with it: each is tried
      // again alone and gets its own answer (unless it has one already: it timed out).
      for (const w of batch) if (!w.settled) await this.commitBatch([w]);
      return;
    }
    const outcomes = outcomesOf(commits, rows);
    batch.forEach((w, i) => w.resolve(outcomes[i] ?? []));
  }
}

// One group per database handle: every intake path (webhooks, internal signals, candle feeds) shares
// it, and a reopened database gets a fresh one.
const groups = new WeakMap<Database, DeliveryGroupCommit>();

export function deliveryGroupCommit(database: Database): DeliveryGroupCommit {
  let group = groups.get(database);
  if (!group) {
    group = new DeliveryGroupCommit(database);
    groups.set(database, group);
  }
  return group;
}
