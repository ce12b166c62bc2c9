import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import {
  httpMethodLabel,
  NONE,
  orderStatusLabel,
  riskOutcomeLabel,
  riskReasonLabel,
  signalReasonLabel,
  venueErrorLabel,
} from "./labels.js";
import type { Metrics } from "./port.js";
import { withTimeout } from "../lib/with-timeout.js";
import { readQueueSnapshot, type QueueSnapshot, type SnapshotQuery } from "./queue-gauges.js";

export const METRIC_PREFIX = "signal_gateway_";

export type PrometheusMetricsOptions = {
  /** Runs the scrape-time queue read (the database's `query`). */
  query: SnapshotQuery;
  clock: Clock;
  logger: Logger;
  /** postgres.js does not expose how many of its connections are busy, so only the configured size is reported. */
  pool: { driver: "pglite" | "postgres"; maxConnections: number };
  /** How long a scrape waits for the queue read before leaving its gauges out. */
  collectTimeoutMs?: number;
};

/**
 * Every series the gateway exposes, on a registry of its own (one per container, so two apps in one
 * process never share counters). The queue gauges live on a second registry that is only rendered
 * when the scrape's database read succeeded: a failed read omits them rather than report stale or
 * zero values, and counts the failure.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions): Metrics {
  const registry = new Registry();
  const queues = new Registry();
  const name = (n: string) => `${METRIC_PREFIX}${n}`;
  // Process metrics, event-loop lag (nodejs_eventloop_lag_*) among them.
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  const httpDuration = new Histogram({
    name: name("http_request_duration_seconds"),
    help: "HTTP requests by method, route pattern and status.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const signals = new Counter({
    name: name("signals_received_total"),
    help: "Signal deliveries by source and outcome; reason is the rejection's code (none otherwise).",
    labelNames: ["source", "outcome", "reason"] as const,
    registers: [registry],
  });
  const decisions = new Counter({
    name: name("risk_decisions_total"),
    help: "Risk decisions stored, by outcome (approved, resized, denied) and reason code (none when approved).",
    labelNames: ["outcome", "reason"] as const,
    registers: [registry],
  });
  const orders = new Counter({
    name: name("orders_placed_total"),
    help: "Orders placed on a venue (paper or live), by the status placement left them in.",
    labelNames: ["venue", "status"] as const,
    registers: [registry],
  });
  const fills = new Counter({ name: name("fills_total"), help: "Fills booked, by venue.", labelNames: ["venue"] as const, registers: [registry] });
  const pricedSymbols = new Counter({
    name: name("market_prices_read_total"),
    help: "Symbols the paper price feed asked the market data exchange for: marked, unchanged (a newer mark stood) or missing (no price).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const fetchedCandles = new Counter({ name: name("market_candles_stored_total"), help: "Candles the candle fetcher stored.", registers: [registry] });
  const candleFetchFailures = new Counter({
    name: name("market_candle_fetch_failures_total"),
    help: "Candle fetches (a symbol and timeframe in one pass) that failed.",
    registers: [registry],
  });
  const venueDuration = new Histogram({
    name: name("venue_call_duration_seconds"),
    help: "Exchange requests by account kind (sandbox or live) and operation (submit or read).",
    labelNames: ["account_kind", "operation"] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const venueErrors = new Counter({
    name: name("venue_call_errors_total"),
    help: "Failed exchange requests by account kind, operation and error class (the adapter's VENUE_… reason).",
    labelNames: ["account_kind", "operation", "error_class"] as const,
    registers: [registry],
  });
  const poolMax = new Gauge({
    name: name("database_pool_max_connections"),
    help: "Connections the database pool may open (PGlite: its one embedded connection).",
    labelNames: ["driver"] as const,
    registers: [registry],
  });
  poolMax.set({ driver: options.pool.driver }, options.pool.maxConnections);
  const collectErrors = new Counter({
    name: name("metrics_collection_errors_total"),
    help: "Scrapes whose database read failed or timed out; their queue gauges were left out.",
    labelNames: ["collector"] as const,
    registers: [registry],
  });

  const queueDepth = new Gauge({
    name: name("signal_queue_depth"),
    help: "Signals not yet processed, by status (queued, processing).",
    labelNames: ["status"] as const,
    registers: [queues],
  });
  const oldestAge = new Gauge({
    name: name("signal_queue_oldest_age_seconds"),
    help: "Age of the oldest signal not yet processed (0 when the queue is empty).",
    registers: [queues],
  });
  const jobs = new Gauge({
    name: name("backtest_queue_depth"),
    help: "Backtests and parameter searches waiting or running, by kind and status.",
    labelNames: ["kind", "status"] as const,
    registers: [queues],
  });

  // Series that exist from the start, so a rate over them is defined before the first event.
  for (const source of ["tradingview", "internal"] as const) {
    for (const outcome of ["accepted", "duplicate"] as const) signals.inc({ source, outcome, reason: NONE }, 0);
  }
  for (const venue of ["paper", "live"] as const) fills.inc({ venue }, 0);
  for (const outcome of ["marked", "unchanged", "missing"] as const) pricedSymbols.inc({ outcome }, 0);

  const setQueues = (snapshot: QueueSnapshot) => {
    queueDepth.set({ status: "queued" }, snapshot.signals.queued);
    queueDepth.set({ status: "processing" }, snapshot.signals.processing);
    oldestAge.set(snapshot.oldestSignalAgeSeconds);
    for (const [kind, counts] of Object.entries(snapshot.jobs)) {
      jobs.set({ kind, status: "queued" }, counts.queued);
      jobs.set({ kind, status: "running" }, counts.running);
    }
  };

  const readQueues = async (): Promise<QueueSnapshot | undefined> => {
    try {
      const ms = options.collectTimeoutMs ?? 1000;
      // A slow database must not hold a scrape.
      return await withTimeout(readQueueSnapshot(options.query, options.clock.now()), ms, () => new Error(`timed out after ${ms} ms`));
    } catch (err) {
      collectErrors.inc({ collector: "queues" });
      options.logger.warn({ err }, "metrics: the queue gauges could not be read; left out of this scrape");
      return undefined;
    }
  };

  return {
    intake: {
      signalReceived: (source, outcome, reason) =>
        signals.inc({ source, outcome, reason: outcome === "rejected" ? signalReasonLabel(reason ?? null) : NONE }),
    },
    trading: {
      riskDecision: (outcome, reason) => decisions.inc({ outcome: riskOutcomeLabel(outcome), reason: riskReasonLabel(reason) }),
      orderPlaced: (venue, status) => orders.inc({ venue, status: orderStatusLabel(status) }),
      filled: (venue, count) => {
        if (count > 0) fills.inc({ venue }, count);
      },
    },
    marketData: {
      pricePass: ({ marked, unchanged, missing }) => {
        pricedSymbols.inc({ outcome: "marked" }, marked);
        pricedSymbols.inc({ outcome: "unchanged" }, unchanged);
        pricedSymbols.inc({ outcome: "missing" }, missing);
      },
      candlePass: ({ stored, failed }) => {
        fetchedCandles.inc(stored);
        candleFetchFailures.inc(failed);
      },
    },
    http: {
      httpRequest: ({ method, route, status, seconds }) =>
        httpDuration.observe({ method: httpMethodLabel(method), route, status: String(status) }, seconds),
    },
    venueCalls: {
      start: ({ accountKind, operation }) => {
        const end = venueDuration.startTimer({ account_kind: accountKind, operation });
        return (errorClass) => {
          end();
          if (errorClass !== undefined) venueErrors.inc({ account_kind: accountKind, operation, error_class: venueErrorLabel(errorClass) });
        };
      },
    },
    render: async () => {
      const snapshot = await readQueues();
      if (snapshot) setQueues(snapshot);
      const body = (await registry.metrics()) + (snapshot ? await queues.metrics() : "");
      return { contentType: registry.contentType, body };
    },
  };
}
