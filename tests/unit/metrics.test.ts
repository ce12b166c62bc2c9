import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { createPrometheusMetrics } from "../../src/metrics/prometheus-metrics.js";
import type { TradingMetrics } from "../../src/metrics/port.js";
import type { SnapshotQuery } from "../../src/metrics/queue-gauges.js";
import { stageTradingMetrics } from "../../src/metrics/staged.js";
import { counterValue, parseExposition, samplesOf } from "../helpers/prometheus-text.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const clock = { now: () => NOW };

const snapshotRow = {
  signals_queued: "3",
  signals_processing: "1",
  oldest_received_at: new Date(NOW.getTime() - 90_500),
  backtests_queued: "2",
  backtests_running: "1",
  searches_queued: "0",
  searches_running: "1",
};

function metricsOver(query: SnapshotQuery, collectTimeoutMs?: number) {
  return createPrometheusMetrics({
    query,
    clock,
    logger: createLogger("silent"),
    pool: { driver: "postgres", maxConnections: 12 },
    ...(collectTimeoutMs === undefined ? {} : { collectTimeoutMs }),
  });
}

const rows = <T>(row: Record<string, unknown>) => Promise.resolve([row] as unknown as T[]);

async function render(metrics: ReturnType<typeof metricsOver>) {
  return parseExposition((await metrics.render()).body);
}

describe("scrape-time queue gauges", () => {
  it("come from the database row: depth by status, the oldest signal's age by the injected clock, jobs by kind and status", async () => {
    const samples = await render(metricsOver((() => rows(snapshotRow)) as SnapshotQuery));
    const value = (name: string, labels: Record<string, string> = {}) => samplesOf(samples, name, labels).map((s) => s.value);
    expect(value("signal_gateway_signal_queue_depth", { status: "queued" })).toEqual([3]);
    expect(value("signal_gateway_signal_queue_depth", { status: "processing" })).toEqual([1]);
    expect(value("signal_gateway_signal_queue_oldest_age_seconds")).toEqual([90.5]);
    expect(value("signal_gateway_backtest_queue_depth", { kind: "backtest", status: "queued" })).toEqual([2]);
    expect(value("signal_gateway_backtest_queue_depth", { kind: "parameter_search", status: "running" })).toEqual([1]);
    expect(value("signal_gateway_database_pool_max_connections", { driver: "postgres" })).toEqual([12]);
  });

  it("read an empty queue as age 0, not as the distance to some epoch", async () => {
    const samples = await render(metricsOver((() => rows({ ...snapshotRow, signals_queued: "0", signals_processing: "0", oldest_received_at: null })) as SnapshotQuery));
    expect(samplesOf(samples, "signal_gateway_signal_queue_oldest_age_seconds").map((s) => s.value)).toEqual([0]);
  });

  it("are left out, and the failure counted, when the read fails; they come back with the next good read", async () => {
    let fail = true;
    const metrics = metricsOver((() => (fail ? Promise.reject(new Error("connection refused")) : rows(snapshotRow))) as SnapshotQuery);
    for (const expected of [1, 2]) {
      const samples = await render(metrics);
      expect(samplesOf(samples, "signal_gateway_signal_queue_depth")).toEqual([]);
      expect(samplesOf(samples, "signal_gateway_signal_queue_oldest_age_seconds")).toEqual([]);
      expect(samplesOf(samples, "signal_gateway_backtest_queue_depth")).toEqual([]);
      expect(counterValue(samples, "signal_gateway_metrics_collection_errors_total", { collector: "queues" })).toBe(expected);
    }
    fail = false;
    const samples = await render(metrics);
    expect(samplesOf(samples, "signal_gateway_signal_queue_depth")).toHaveLength(2);
    expect(counterValue(samples, "signal_gateway_metrics_collection_errors_total", { collector: "queues" })).toBe(2);
  });

  it("do not hold the scrape when the database never answers", async () => {
    const metrics = metricsOver((() => new Promise(() => {})) as SnapshotQuery, 1);
    const samples = await render(metrics);
    expect(samplesOf(samples, "signal_gateway_signal_queue_depth")).toEqual([]);
    expect(counterValue(samples, "signal_gateway_metrics_collection_errors_total", { collector: "queues" })).toBe(1);
  });
});

describe("label values", () => {
  const metrics = metricsOver((() => rows(snapshotRow)) as SnapshotQuery);

  it("fall back to OTHER outside their closed lists, so no caller can mint a series per value", async () => {
    metrics.intake.signalReceived("tradingview", "rejected", "SYMBOL_NOT_ALLOWED");
    metrics.intake.signalReceived("tradingview", "rejected", "BTC/USDT is not allowed");
    metrics.trading.riskDecision("denied", "MAX_POSITION");
    metrics.trading.riskDecision("denied", "sig_0123456789");
    metrics.trading.orderPlaced("paper", "filled");
    metrics.trading.orderPlaced("paper", "ord_0123456789");
    metrics.venueCalls.start({ accountKind: "live", operation: "submit" })("VENUE_TIMEOUT");
    metrics.venueCalls.start({ accountKind: "live", operation: "submit" })("socket hang up at 10.0.0.1");
    metrics.http.httpRequest({ method: "BREW", route: "/healthz", status: 405, seconds: 0.001 });
    const samples = await render(metrics);
    const count = (name: string, labels: Record<string, string>) => counterValue(samples, name, labels);
    expect(count("signal_gateway_signals_received_total", { source: "tradingview", outcome: "rejected", reason: "SYMBOL_NOT_ALLOWED" })).toBe(1);
    expect(count("signal_gateway_signals_received_total", { source: "tradingview", outcome: "rejected", reason: "OTHER" })).toBe(1);
    expect(count("signal_gateway_risk_decisions_total", { outcome: "denied", reason: "MAX_POSITION" })).toBe(1);
    expect(count("signal_gateway_risk_decisions_total", { outcome: "denied", reason: "OTHER" })).toBe(1);
    expect(count("signal_gateway_orders_placed_total", { venue: "paper", status: "OTHER" })).toBe(1);
    expect(count("signal_gateway_venue_call_errors_total", { account_kind: "live", operation: "submit", error_class: "VENUE_TIMEOUT" })).toBe(1);
    expect(count("signal_gateway_venue_call_errors_total", { account_kind: "live", operation: "submit", error_class: "OTHER" })).toBe(1);
    expect(count("signal_gateway_venue_call_duration_seconds_count", { account_kind: "live", operation: "submit" })).toBe(2);
    expect(count("signal_gateway_http_request_duration_seconds_count", { method: "OTHER", route: "/healthz", status: "405" })).toBe(1);
    const values = samples.flatMap((s) => Object.values(s.labels));
    for (const raw of ["BTC/USDT is not allowed", "sig_0123456789", "ord_0123456789", "socket hang up at 10.0.0.1", "BREW"]) expect(values).not.toContain(raw);
  });

  it("give accepted and duplicate deliveries the reason none, whatever is passed", async () => {
    metrics.intake.signalReceived("internal", "accepted", "SCHEMA_INVALID");
    const samples = await render(metrics);
    expect(counterValue(samples, "signal_gateway_signals_received_total", { source: "internal", outcome: "accepted", reason: "none" })).toBe(1);
    expect(counterValue(samples, "signal_gateway_signals_received_total", { source: "internal", outcome: "accepted", reason: "SCHEMA_INVALID" })).toBe(0);
  });
});

describe("staged trading metrics", () => {
  const recorder = () => {
    const calls: string[] = [];
    const target: TradingMetrics = {
      riskDecision: (outcome, reason) => calls.push(`decision ${outcome} ${reason}`),
      orderPlaced: (venue, status) => calls.push(`order ${venue} ${status}`),
      filled: (venue, count) => calls.push(`fills ${venue} ${count}`),
    };
    return { calls, target };
  };

  it("reach the target only on commit, in order, once", () => {
    const { calls, target } = recorder();
    const staged = stageTradingMetrics(target);
    staged.metrics.riskDecision("approved", null);
    staged.metrics.orderPlaced("paper", "filled");
    staged.metrics.filled("paper", 2);
    expect(calls).toEqual([]);
    staged.commit();
    staged.commit();
    expect(calls).toEqual(["decision approved null", "order paper filled", "fills paper 2"]);
  });
});
