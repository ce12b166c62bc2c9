import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { counterValue, parseExposition, samplesOf, type Sample } from "../helpers/prometheus-text.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { OffsetClock, sendAlert, waitProcessed } from "../helpers/trading.js";

const ETH_1H = readFileSync(new URL("../fixtures/ohlcv/binance_ETHUSDT_1h_head300.csv", import.meta.url), "utf8");

const clock = new OffsetClock();
// Backtests are only queued (concurrency 0), so one stays in the backtest queue's gauge.
const ENV = {
  PAPER_SLIPPAGE_BPS: "0",
  WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0",
  WEBHOOK_RATE_LIMIT_PER_TOKEN: "0",
  BACKTEST_CONCURRENCY: "0",
};

let t: TestApp;
let strategy: CreatedStrategy;
beforeAll(async () => {
  t = await startTestApp(ENV, { clock });
  strategy = await createStrategy(t, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null } });
});
afterAll(() => t.close());

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await t.http.get("/metrics");
  expect(res.status).toBe(200);
  return { text: res.text, samples: parseExposition(res.text) };
}

/** How much each counter moved across `action`. */
async function delta(action: () => Promise<unknown>, series: Array<[string, Record<string, string>]>): Promise<number[]> {
  const before = (await scrape()).samples;
  await action();
  const after = (await scrape()).samples;
  return series.map(([name, labels]) => counterValue(after, name, labels) - counterValue(before, name, labels));
}

const signals = (source: string, outcome: string, reason = "none") => ["signal_gateway_signals_received_total", { source, outcome, reason }] as [string, Record<string, string>];
const requests = (method: string, route: string, status: string) =>
  ["signal_gateway_http_request_duration_seconds_count", { method, route, status }] as [string, Record<string, string>];

describe("GET /metrics", () => {
  it("answers the Prometheus text format, with process metrics (event-loop lag) and the pool size under the prefix", async () => {
    const res = await t.http.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const samples = parseExposition(res.text);
    expect(res.text).toContain("# TYPE signal_gateway_http_request_duration_seconds histogram");
    expect(res.text).toContain("# TYPE signal_gateway_signals_received_total counter");
    expect(samplesOf(samples, "signal_gateway_nodejs_eventloop_lag_seconds")).toHaveLength(1);
    const pool = samplesOf(samples, "signal_gateway_database_pool_max_connections");
    const database = t.services.database.kind;
    expect(pool).toEqual([{ name: "signal_gateway_database_pool_max_connections", labels: { driver: database }, value: database === "pglite" ? 1 : t.services.config.DATABASE_POOL_MAX }]);
    expect(samples.every((s) => s.name.startsWith("signal_gateway_"))).toBe(true);
  });
});

describe("signal deliveries", () => {
  it("count accepted, duplicate and rejected-by-reason TradingView alerts, and their requests by route pattern", async () => {
    const alert = JSON.stringify({ ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" });
    const unknownToken = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8";
    const reasons: string[] = [];
    const moved = await delta(
      async () => {
        const accepted = await t.http.post(strategy.webhookPath).set("content-type", "application/json").send(alert);
        expect(accepted.status).toBe(202);
        // Processed before the next test, whose counters it would otherwise move.
        await waitProcessed(t, accepted.body.id);
        expect((await t.http.post(strategy.webhookPath).set("content-type", "application/json").send(alert)).status).toBe(200);
        const empty = await t.http.post(strategy.webhookPath).set("content-type", "text/plain").send("");
        expect(empty.status).toBe(400);
        reasons.push(empty.body.reason);
        expect((await t.http.post(`/webhooks/tradingview/${unknownToken}`).set("content-type", "text/plain").send("buy BTCUSDT")).status).toBe(404);
      },
      [
        signals("tradingview", "accepted"),
        signals("tradingview", "duplicate"),
        signals("tradingview", "rejected", "EMPTY_BODY"),
        signals("tradingview", "rejected", "NOT_FOUND"),
        requests("POST", "/webhooks/tradingview/:token", "202"),
        requests("POST", "/webhooks/tradingview/:token", "200"),
        requests("POST", "/webhooks/tradingview/:token", "400"),
        requests("POST", "/webhooks/tradingview/:token", "404"),
      ],
    );
    expect(reasons).toEqual(["EMPTY_BODY"]);
    expect(moved).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    const { text } = await scrape();
    expect(text).not.toContain(unknownToken);
    expect(text).not.toContain(strategy.webhookPath.split("/").at(-1));
  });

  it("count internal signals apart from TradingView's, with the stored reason of a schema rejection", async () => {
    const body = (extra: Record<string, unknown>) =>
      JSON.stringify({ strategy: strategy.key, symbol: "BTC/USDT", intent: { action: "close" }, ...extra });
    const moved = await delta(
      async () => {
        const ok = await t.http.post("/v1/signals").set(t.auth()).set("content-type", "application/json").send(body({ alertId: "metrics-internal" }));
        expect(ok.status).toBe(202);
        await waitProcessed(t, ok.body.id);
        const bad = await t.http.post("/v1/signals").set(t.auth()).set("content-type", "application/json").send(body({ intent: { action: "moon" } }));
        expect(bad.status).toBe(400);
      },
      [signals("internal", "accepted"), signals("internal", "rejected", "SCHEMA_INVALID"), signals("tradingview", "accepted")],
    );
    expect(moved).toEqual([1, 1, 0]);
  });

  it("labels requests no route matched as one series, not by path", async () => {
    const moved = await delta(async () => {
      expect((await t.http.get("/no/such/path-0123456789abcdef")).status).toBe(404);
    }, [requests("GET", "unmatched", "404")]);
    expect(moved).toEqual([1]);
    expect((await scrape()).text).not.toContain("path-0123456789abcdef");
  });
});

describe("risk decisions, orders and fills", () => {
  const decisions = (outcome: string, reason: string) => ["signal_gateway_risk_decisions_total", { outcome, reason }] as [string, Record<string, string>];
  const orders = (status: string) => ["signal_gateway_orders_placed_total", { venue: "paper", status }] as [string, Record<string, string>];
  const fills = ["signal_gateway_fills_total", { venue: "paper" }] as [string, Record<string, string>];

  it("a signal that fills on paper counts one approval, one filled order and its fills", async () => {
    let fillCount = 0;
    const moved = await delta(async () => {
      const done = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
      expect(done.trace.orders).toMatchObject([{ status: "filled" }]);
      fillCount = done.trace.orders.flatMap((o) => o.fills).length;
    }, [decisions("approved", "none"), orders("filled"), fills, decisions("denied", "NOTIONAL_BELOW_MIN")]);
    expect(fillCount).toBeGreaterThan(0);
    expect(moved).toEqual([1, 1, fillCount, 0]);
  });

  it("a signal the risk engine denies counts the denial by reason, and no order or fill", async () => {
    const moved = await delta(async () => {
      const done = await sendAlert(t, strategy, { ticker: "BTCUSDT", action: "buy", quantity: "0.00001", price: "100000" });
      expect(done.trace.decisions).toMatchObject([{ outcome: "denied", reason: "NOTIONAL_BELOW_MIN" }]);
    }, [decisions("denied", "NOTIONAL_BELOW_MIN"), decisions("approved", "none"), orders("filled"), fills]);
    expect(moved).toEqual([1, 0, 0, 0]);
  });
});

describe("queue gauges, read from the database at scrape time", () => {
  const gauge = (samples: Sample[], name: string, labels: Record<string, string> = {}) => {
    const found = samplesOf(samples, name, labels);
    expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
    return found[0]?.value as number;
  };

  it("the backtest queue counts a backtest waiting for a worker", async () => {
    const imported = await t.http.post("/v1/candles/import?symbol=ETH/USDT&timeframe=1h").set(t.auth()).set("content-type", "text/csv").send(ETH_1H);
    expect(imported.body).toMatchObject({ imported: 300 });
    const before = gauge((await scrape()).samples, "signal_gateway_backtest_queue_depth", { kind: "backtest", status: "queued" });
    const submitted = await t.http
      .post("/v1/backtests")
      .set(t.auth())
      .send({ strategy: { type: "sma-cross", params: { fast: 5, slow: 20 } }, symbols: ["ETH/USDT"], timeframe: "1h", from: 1745971200000, to: 1747047600000 });
    expect(submitted.status).toBe(202);
    const after = (await scrape()).samples;
    expect(gauge(after, "signal_gateway_backtest_queue_depth", { kind: "backtest", status: "queued" })).toBe(before + 1);
    expect(gauge(after, "signal_gateway_backtest_queue_depth", { kind: "backtest", status: "running" })).toBe(0);
  });

  // Last: the workers stay stopped (the harness stops them again on close).
  it("the signal queue's depth and oldest age reflect a signal no worker has taken", async () => {
    await t.services.processing.stop();
    const before = (await scrape()).samples;
    const queued = gauge(before, "signal_gateway_signal_queue_depth", { status: "queued" });
    const res = await t.http
      .post(strategy.webhookPath)
      .set("content-type", "application/json")
      .send(JSON.stringify({ ticker: "SOLUSDT", action: "buy", quantity: "0.1", price: "200" }));
    expect(res.status).toBe(202);
    clock.advance(90_000);
    const after = (await scrape()).samples;
    expect(gauge(after, "signal_gateway_signal_queue_depth", { status: "queued" })).toBe(queued + 1);
    expect(gauge(after, "signal_gateway_signal_queue_depth", { status: "processing" })).toBe(0);
    expect(gauge(after, "signal_gateway_signal_queue_oldest_age_seconds")).toBeGreaterThanOrEqual(90);
    expect(counterValue(after, "signal_gateway_metrics_collection_errors_total", { collector: "queues" })).toBe(0);
  });
});

describe("METRICS_TOKEN", () => {
  const token = "metrics-token-0123456789abcdef";
  let guarded: TestApp;
  beforeAll(async () => {
    guarded = await startTestApp({ METRICS_TOKEN: token });
  });
  afterAll(() => guarded.close());

  it("is open by default", async () => {
    expect((await t.http.get("/metrics")).status).toBe(200);
  });

  it("when set, refuses a scrape without it or with another token: 401 problem+json", async () => {
    for (const header of [undefined, "Bearer wrong-token-0123456789abcdef", `Basic ${token}`, `Bearer ${token}x`, guarded.auth().authorization]) {
      const req = guarded.http.get("/metrics");
      const res = header ? await req.set("authorization", header) : await req;
      expect(res.status, header).toBe(401);
      expect(res.headers["content-type"]).toBe("application/problem+json");
      expect(res.body).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
      expect(res.text).not.toContain(token);
    }
  });

  it("when set, answers the scrape that carries it, and never shows the token", async () => {
    const res = await guarded.http.get("/metrics").set("authorization", `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(parseExposition(res.text).length).toBeGreaterThan(0);
    expect(res.text).not.toContain(token);
  });
});
