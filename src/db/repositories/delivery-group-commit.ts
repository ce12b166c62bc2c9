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

type Waiting = { commit: DeliveryCommit; resolve: (rows: CommitOutcome) => void; reject: (err: unknown) => void };

export class DeliveryGroupCommit {
  private readonly waiting: Waiting[] = [];
  private draining = false;

  constructor(private readonly database: Database) {}

  /** Once committed: the delivery's inserted rows (none for a duplicate), or 'stale' (see delivery-statement.ts). */
  commit(commit: DeliveryCommit): Promise<CommitOutcome> {
    return new Promise<CommitOutcome>((resolve, reject) => {
      this.waiting.push({ commit, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) await this.commitBatch(this.takeBatch());
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
      // again alone and gets its own answer.
      for (const w of batch) await this.commitBatch([w]);
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
