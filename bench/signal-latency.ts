/**
 * Signal received → paper fill committed, on PostgreSQL. An OPEN-LOOP sender POSTs TradingView
 * alerts to a gateway child at a fixed rate, on a schedule that never waits for answers (a slow
 * gateway builds a backlog, as it would in production, instead of slowing the sender down). Once the
 * backlog has drained, the latencies are read from the scratch database itself: signals.received_at
 * and the first fill's filled_at of that signal's orders, both stamped by the gateway's clock.
 */
import { Agent, request } from "node:http";
import postgres from "postgres";
import { postgresConnection } from "../src/db/postgres-url.js";
import { percentile } from "./load.js";
import type { Target } from "./spawn-target.js";

/** The issue's goal: at 200 signals/s on PostgreSQL, p99 of signal received → fill committed. */
export const SIGNAL_GOAL = { rate: 200, maxP99Ms: 15 };

// Three lanes (strategy + symbol), as in the webhook scenario. Quantities are fixed and small, with
// a notional near 100 USDT in every market (above the paper venue's minCost of 5). Perpetuals: each
// sell while long reverses, and on spot the short half would be denied (spot cannot go short).
const MARKETS = [
  { ticker: "BTCUSDT.P", quantity: "0.001", price: "100000" },
  { ticker: "ETHUSDT.P", quantity: "0.03", price: "3500" },
  { ticker: "SOLUSDT.P", quantity: "0.5", price: "200" },
] as const;

/**
 * Alert number `n`: each symbol alternates buy, sell, buy, ... so no entry is a no-op (pyramiding is
 * off) and every signal fills; `n` makes every body, hence every dedupe key, unique and tells the
 * warm-up signals from the measured ones in the ledger.
 */
export function signalAlertBody(n: number): string {
  const market = MARKETS[n % MARKETS.length] ?? MARKETS[0];
  const action = Math.floor(n / MARKETS.length) % 2 === 0 ? "buy" : "sell";
  return `{"ticker":"${market.ticker}","action":"${action}","quantity":"${market.quantity}","price":"${market.price}","n":${n}}`;
}

/**
 * The strategy under test: default configuration (market orders, oppositeSignal "reverse") with the
 * limits that would deny orders of a 10 s run switched off. maxDailyLossPercent too: a few thousand
 * fills pay fees and slippage worth more than 5 % of the paper account's 10 000, and the account would
 * turn REDUCING halfway through, denying every entry after that. Pyramiding is on because alerts
 * sent 5 ms apart can commit in either order, so a lane may see buy, buy: with pyramiding off the
 * second would be a no-op (PYRAMIDING_OFF) instead of a fill.
 */
export const SIGNAL_STRATEGY_CONFIG = {
  sizing: { type: "fixed_quote", notional: "100" },
  pyramiding: true,
  riskLimits: {
    maxOpenPositions: null,
    maxGrossExposureMultiple: null,
    maxOrdersPerMinute: null,
    maxOrderNotional: null,
    maxPositionNotionalPerSymbol: null,
    maxLeverage: null,
    maxDailyLossPercent: null,
  },
};

export type SignalLatencySettings = { rate: number; warmupMs: number; durationMs: number };

type Stat = { count: number; p50: number; p99: number; max: number; mean: number };

export type SignalLatencyOutcome = {
  lines: string[];
  /** False when an alert was not accepted or a measured signal ended without a fill. */
  ok: boolean;
  errors: string[];
};

const REQUEST_TIMEOUT_MS = 10_000;
/** How long the workers may take to finish the backlog after the last send before the run gives up on it. */
const DRAIN_TIMEOUT_MS = 10_000;

export type Send = { n: number; lagMs: number; sentAt: number; answerMs?: number; status?: number; error?: string };

/** Fires `total` alerts at `rate` per second on an absolute schedule; resolves once every answer is in. */
export async function sendOpenLoop(port: number, path: string, rate: number, total: number, firstAlert = 0): Promise<{ sends: Send[]; lastSentAt: number }> {
  // No socket cap: with maxSockets Infinity, a slow answer opens another connection rather than
  // queueing the next alert behind it, so the schedule stays the schedule.
  const agent = new Agent({ keepAlive: true });
  const sends: Send[] = [];
  const answers: Promise<void>[] = [];
  const interval = 1000 / rate;
  const start = performance.now();
  let n = 0;
  try {
    while (n < total) {
      const now = performance.now();
      // Everything due by now goes out now: a late timer sends a short burst, never fewer alerts.
      while (n < total && start + n * interval <= now) {
        const send: Send = { n, lagMs: now - (start + n * interval), sentAt: performance.now() };
        sends.push(send);
        answers.push(post(agent, port, path, signalAlertBody(firstAlert + n), send));
        n++;
      }
      if (n < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + n * interval - performance.now())));
    }
    const lastSentAt = performance.now();
    await Promise.all(answers);
    return { sends, lastSentAt };
  } finally {
    agent.destroy();
  }
}

function post(agent: Agent, port: number, path: string, body: string, send: Send): Promise<void> {
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
  return new Promise<void>((resolve) => {
    const done = (status: number | undefined, error?: string) => {
      send.answerMs = performance.now() - send.sentAt;
      if (status !== undefined) send.status = status;
      if (error !== undefined) send.error ??= error;
      resolve();
    };
    const req = request({ agent, host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
      res.on("error", (err) => done(undefined, err.message));
      res.on("end", () => done(res.statusCode));
      res.resume();
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", (err) => done(undefined, err.message));
    req.end(body);
  });
}

type Row = {
  n: number;
  status: string;
  outcome: string | null;
  fill_ms: number | null;
  /** For a signal without a fill: how long ago it was received, when the query ran (a lower bound on its latency). */
  age_ms: number | null;
  lane_wait_ms: number | null;
  to_decision_ms: number | null;
  decision_to_fill_ms: number | null;
  fill_to_processed_ms: number | null;
  /** How long the signal held its lane: from when it could start (received, lane free) to processed_at. */
  lane_busy_ms: number | null;
  fills: number;
};

/**
 * Per signal, all from the gateway's clock: received_at; the previous signal of the same lane's
 * processed_at (a lane runs one signal at a time); the first risk decision's created_at (the leg's
 * `now`, taken before the risk context is read); the first fill's filled_at; processed_at.
 */
const PER_SIGNAL = `
with s as (
  select id, status, received_at, processed_at, result,
         (raw_body::jsonb ->> 'n')::int as n,
         lag(processed_at) over (partition by lane order by seq) as lane_free_at
  from signals
  where status <> 'rejected'
),
f as (
  select o.signal_id, min(f.filled_at) as first_fill, count(*)::int as fills
  from orders o join fills f on f.order_id = o.id
  where o.signal_id is not null
  group by o.signal_id
),
d as (
  select signal_id, min(created_at) as decided_at from risk_decisions group by signal_id
)
select s.n, s.status, s.result ->> 'outcome' as outcome, coalesce(f.fills, 0) as fills,
  (extract(epoch from f.first_fill - s.received_at) * 1000)::float8 as fill_ms,
  case when f.first_fill is null then (extract(epoch from clock_timestamp() - s.received_at) * 1000)::float8 end as age_ms,
  (extract(epoch from greatest(s.lane_free_at, s.received_at) - s.received_at) * 1000)::float8 as lane_wait_ms,
  (extract(epoch from d.decided_at - greatest(s.lane_free_at, s.received_at)) * 1000)::float8 as to_decision_ms,
  (extract(epoch from f.first_fill - d.decided_at) * 1000)::float8 as decision_to_fill_ms,
  (extract(epoch from s.processed_at - f.first_fill) * 1000)::float8 as fill_to_processed_ms,
  (extract(epoch from s.processed_at - greatest(s.lane_free_at, s.received_at)) * 1000)::float8 as lane_busy_ms
from s left join f on f.signal_id = s.id left join d on d.signal_id = s.id
order by s.n`;

export async function runSignalLatency(target: Target, databaseUrl: string, settings: SignalLatencySettings): Promise<SignalLatencyOutcome> {
  const webhook = target.webhook;
  if (!webhook) throw new Error(`${target.name} reported no webhook`);
  const warmupCount = Math.round((settings.rate * settings.warmupMs) / 1000);
  const measuredCount = Math.max(1, Math.round((settings.rate * settings.durationMs) / 1000));
  const { sends, lastSentAt } = await sendOpenLoop(target.port, webhook.path, settings.rate, warmupCount + measuredCount);

  const { url: plainUrl, ...address } = postgresConnection(databaseUrl);
  const sql = postgres(plainUrl, { ...address, max: 1, onnotice: () => {} });
  try {
    const drainStarted = performance.now();
    const openAtStart = await openSignals(sql);
    let open = openAtStart;
    let hopeless = false;
    while (open > 0 && !hopeless && performance.now() - drainStarted < DRAIN_TIMEOUT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      open = await openSignals(sql);
      // After a second, a backlog that cannot drain in the time left at the pace seen is not waited for.
      const elapsed = performance.now() - drainStarted;
      const pace = (openAtStart - open) / elapsed;
      hopeless = elapsed >= 1000 && open > pace * (DRAIN_TIMEOUT_MS - elapsed);
    }
    const drainedAfterMs = performance.now() - lastSentAt;
    const [counts] = await sql<{ total: number; rejected: number; rate: number | null }[]>`
      select count(*)::int as total, (count(*) filter (where status = 'rejected'))::int as rejected,
        ((count(processed_at) - 1) / nullif(extract(epoch from max(processed_at) - min(processed_at)), 0))::float8 as rate
      from signals`;
    // Every signal, warm-up included: how long each holds its lane is a fact of the pipeline, not of
    // the measured window, and under a backlog few measured signals may be done.
    const all = await sql.unsafe<Row[]>(PER_SIGNAL);
    const rows = all.filter((r) => r.n >= warmupCount);
    const busy = stat(all.filter((r) => r.status === "processed").map((r) => r.lane_busy_ms));
    return report({
      settings,
      sends,
      warmupCount,
      rows,
      open,
      drainedAfterMs,
      counts: { total: counts?.total ?? 0, rejected: counts?.rejected ?? 0 },
      processingRate: counts?.rate ?? Number.NaN,
      busy,
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function openSignals(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ open: number }[]>`select count(*)::int as open from signals where status in ('queued', 'processing')`;
  return row?.open ?? 0;
}

function stat(values: Array<number | null>): Stat {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const sorted = Float64Array.from(present).sort();
  const mean = present.length === 0 ? Number.NaN : present.reduce((a, b) => a + b, 0) / present.length;
  return { count: present.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN, mean };
}

function report(input: {
  settings: SignalLatencySettings;
  sends: Send[];
  warmupCount: number;
  rows: Row[];
  open: number;
  drainedAfterMs: number;
  counts: { total: number; rejected: number };
  processingRate: number;
  busy: Stat;
}): SignalLatencyOutcome {
  const { settings, warmupCount, rows } = input;
  const measured = input.sends.filter((s) => s.n >= warmupCount);
  const accepted = measured.filter((s) => s.status === 202);
  const failedSends = input.sends.filter((s) => s.status !== 202);
  const first = measured[0];
  const last = measured[measured.length - 1];
  const achievedRate = first && last && last.sentAt > first.sentAt ? ((measured.length - 1) / (last.sentAt - first.sentAt)) * 1000 : Number.NaN;
  const lag = stat(measured.map((s) => s.lagMs));
  const answer = stat(accepted.map((s) => s.answerMs ?? null));
  const processed = rows.filter((r) => r.status === "processed");
  const filled = rows.filter((r) => r.fill_ms !== null);
  const withoutFill = processed.filter((r) => r.fill_ms === null);
  const reversals = filled.filter((r) => r.fills > 1).length;

  const latency = stat(filled.map((r) => r.fill_ms));
  // Where the tail lives: a p99 made by one second (a pause, the JIT's first optimisations) reads
  // differently from one spread over the whole run.
  const perSecond = Array.from({ length: Math.ceil(settings.durationMs / 1000) }, (_, k) =>
    stat(filled.filter((r) => Math.floor((r.n - warmupCount) / settings.rate) === k).map((r) => r.fill_ms)),
  );
  const unfinished = measured.length - filled.length;
  // Signals still without a fill count with their age so far: the percentiles become lower bounds
  // rather than the latencies of only the lucky signals that got through.
  const bounded = unfinished > 0 ? stat(rows.map((r) => r.fill_ms ?? r.age_ms)) : undefined;
  const stages: Array<[string, Stat]> = [
    ["signal received -> first fill", latency],
    ...(bounded ? [["  all measured, unfilled ones at their age (lower bound)", bounded] as [string, Stat]] : []),
    ["  1. queued behind the symbol's previous signal", stat(filled.map((r) => r.lane_wait_ms))],
    ["  2. then until the first risk decision's time", stat(filled.map((r) => r.to_decision_ms))],
    ["  3. then until the first fill's time", stat(filled.map((r) => r.decision_to_fill_ms))],
    ["first fill -> signal processed (not in the latency)", stat(filled.map((r) => r.fill_to_processed_ms))],
  ];
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "n/a");
  const table = formatRows(
    ["signal -> fill, ms (gateway clock)", "count", "p50", "p99", "max", "mean"],
    stages.map(([name, s]) => [name, String(s.count), ms(s.p50), ms(s.p99), ms(s.max), ms(s.mean)]),
  );

  const errors: string[] = [];
  if (failedSends.length > 0) {
    const example = failedSends[0];
    errors.push(`signal -> fill: ${failedSends.length} alerts not answered 202 (first: ${example?.error ?? `status ${example?.status}`})`);
  }
  if (withoutFill.length > 0) {
    const outcomes = [...new Set(withoutFill.map((r) => r.outcome ?? "none"))].join(", ");
    errors.push(`signal -> fill: ${withoutFill.length} measured signals processed without a fill (outcomes: ${outcomes})`);
  }
  const met = latency.count > 0 && unfinished === 0 && latency.p99 <= SIGNAL_GOAL.maxP99Ms;
  const caveat = settings.rate === SIGNAL_GOAL.rate ? "" : ` [at ${settings.rate} signals/s, not ${SIGNAL_GOAL.rate}]`;
  const p99 = bounded ? `p99 >= ${ms(bounded.p99)} ms` : `p99 ${ms(latency.p99)} ms`;
  const why = unfinished > 0 ? `, ${unfinished} of ${measured.length} measured signals without a fill when measured` : "";

  const lines = [
    `signal -> paper fill on PostgreSQL: open loop, ${settings.rate} signals/s for ${settings.durationMs / 1000} s after ${settings.warmupMs / 1000} s at the same rate (not measured);`,
    `BTCUSDT.P/ETHUSDT.P/SOLUSDT.P (perpetual) alerts, each symbol alternating buy and sell (oppositeSignal "reverse": a sell while long is exit + entry; pyramiding on), permissive risk limits`,
    `sent ${measured.length} (achieved ${achievedRate.toFixed(1)}/s; sender lag behind schedule p99 ${ms(lag.p99)} ms, max ${ms(lag.max)} ms), ` +
      `${accepted.length} answered 202 (answer p50 ${ms(answer.p50)} ms, p99 ${ms(answer.p99)} ms)`,
    `in the ledger: ${input.counts.total} signals (${input.counts.rejected} rejected); of the ${measured.length} measured: ${processed.length} processed, ` +
      `${filled.length} with a fill (${reversals} reversals with 2 fills), ${unfinished} without; ` +
      (input.open > 0
        ? `stopped waiting ${ms(input.drainedAfterMs)} ms after the last send with ${input.open} signals still queued or processing (no drain within ${DRAIN_TIMEOUT_MS / 1000} s)`
        : `backlog drained ${ms(input.drainedAfterMs)} ms after the last send`),
    "",
    table,
    "",
    "every timestamp comes from the gateway's injected clock (wall clock in production), in whole milliseconds (Date):",
    "signals.received_at, the previous signal of the lane's processed_at (1), risk_decisions.created_at (2), fills.filled_at (3).",
    "(2) holds the claim, strategy lookup, price update, position and plan, and whatever precedes the decision's clock reading;",
    "(3) the risk context read, sizing and risk engine. filled_at is stamped when the paper venue matches the order, inside the",
    "transaction that then books and commits it: the rest of that transaction falls in \"first fill -> signal processed\".",
    `p99 of each measured second, ms: ${perSecond.map((s) => ms(s.p99)).join(", ")}; max: ${perSecond.map((s) => ms(s.max)).join(", ")}`,
    `processing rate: ${ms(input.processingRate)} signals/s (processed signals over the span of their processed_at; ${settings.rate}/s arrive).`,
    `a signal holds its lane (symbol) from when it can start (received, previous one processed) to processed_at: ` +
      `p50 ${ms(input.busy.p50)} ms, p99 ${ms(input.busy.p99)} ms, mean ${ms(input.busy.mean)} ms over all ${input.busy.count} processed signals;`,
    `${MARKETS.length} lanes at that mean carry at most ${ms((MARKETS.length * 1000) / input.busy.mean)} signals/s.`,
    `goal: p99 <= ${SIGNAL_GOAL.maxP99Ms} ms at ${SIGNAL_GOAL.rate} signals/s: ${met ? "MET" : "NOT MET"} (${p99}${why})${caveat}`,
  ];
  return { lines, ok: errors.length === 0, errors };
}

/** First column left-aligned, the rest right-aligned, as report.ts lays tables out. */
export function formatRows(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
