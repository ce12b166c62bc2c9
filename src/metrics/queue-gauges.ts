/** What the queues hold at one moment, read from the database at scrape time. */
export type QueueSnapshot = {
  signals: { queued: number; processing: number };
  /** Seconds since the oldest signal not yet processed (queued or processing) was received; 0 when none is. */
  oldestSignalAgeSeconds: number;
  /** Backtests and parameter searches share the job workers: by kind, then status. */
  jobs: Record<"backtest" | "parameter_search", { queued: number; running: number }>;
};

type Row = {
  signals_queued: number | string;
  signals_processing: number | string;
  oldest_received_at: Date | string | null;
  backtests_queued: number | string;
  backtests_running: number | string;
  searches_queued: number | string;
  searches_running: number | string;
};

// One round trip. The counts walk the (status, seq) indexes, and the oldest open signal is found
// through the partial index of open lanes, so the cost follows the backlog, not the table.
const SNAPSHOT = `select
  (select count(*) from signals where status = 'queued') as signals_queued,
  (select count(*) from signals where status = 'processing') as signals_processing,
  (select min(received_at) from signals where status in ('queued', 'processing')) as oldest_received_at,
  (select count(*) from backtests where status = 'queued') as backtests_queued,
  (select count(*) from backtests where status = 'running') as backtests_running,
  (select count(*) from parameter_searches where status = 'queued') as searches_queued,
  (select count(*) from parameter_searches where status = 'running') as searches_running`;

export type SnapshotQuery = <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) => Promise<T[]>;

export async function readQueueSnapshot(query: SnapshotQuery, now: Date): Promise<QueueSnapshot> {
  const [row] = await query<Row>(SNAPSHOT, []);
  if (!row) throw new Error("the queue snapshot returned no row");
  const oldest = row.oldest_received_at === null ? undefined : new Date(row.oldest_received_at);
  return {
    signals: { queued: Number(row.signals_queued), processing: Number(row.signals_processing) },
    oldestSignalAgeSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    jobs: {
      backtest: { queued: Number(row.backtests_queued), running: Number(row.backtests_running) },
      parameter_search: { queued: Number(row.searches_queued), running: Number(row.searches_running) },
    },
  };
}

