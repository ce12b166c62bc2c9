/**
 * What the gateway adds to a live order. A local Binance-protocol test exchange runs in this
 * process; the baseline is ccxt's binance class calling it directly, the subject a gateway child
 * whose live strategy trades on an account pointed at it. Both one order at a time, so the figures
 * are latency, not throughput. The gateway's figures come from timestamps, not from this process's
 * view: the signal's received_at and the fill's filled_at (gateway clock) and the exchange's own
 * record of when the order request arrived (this host's clock, the same wall clock).
 */
import { binance } from "ccxt";
import { withRequestBucket } from "../src/execution/live/live-venues.js";
import { startTestExchange, type RecordedRequest, type TestExchange } from "../tests/exchange/server.js";
import { percentile } from "./load.js";
import { formatRows } from "./signal-latency.js";
import type { Target } from "./spawn-target.js";
import { BENCH_API_KEY } from "./targets/protocol.js";

export const LIVE_ACCOUNT_ID = "bench-exchange";
const EXCHANGE_KEY = "bench-exchange-key-5d1c0e9a7b";
const EXCHANGE_SECRET = "bench-exchange-secret-3f8e2a6c4d";
const QUANTITY = "0.001";
const PRICE = "50000";
const WARMUP_ORDERS = 20;
const HEALTH_TIMEOUT_MS = 15_000;
const SIGNAL_TIMEOUT_MS = 10_000;
/** Between reads of the signal once its order is at the exchange: the reads cost the gateway CPU too. */
const POLL_MS = 10;

/**
 * The live strategy: one order per alert (a sell closes the long the buy opened, never reverses
 * into a spot short), and no limit that 200 orders in a few seconds would trip.
 */
const LIVE_STRATEGY_CONFIG = {
  mode: "live",
  accountId: LIVE_ACCOUNT_ID,
  oppositeSignal: "close",
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

/** Balances far above what the run trades, at a price the alerts repeat. */
export function startBenchExchange(): Promise<TestExchange> {
  return startTestExchange({
    apiKey: EXCHANGE_KEY,
    secret: EXCHANGE_SECRET,
    balances: { USDT: "100000000", BTC: "1000" },
    prices: { BTCUSDT: PRICE },
  });
}

/** What the gateway child needs to trade on the test exchange (see targets/gateway-server.ts). */
export function liveGatewayEnv(exchange: TestExchange, databaseUrl: string): Record<string, string> {
  const account = {
    id: LIVE_ACCOUNT_ID,
    name: "bench",
    exchange: "binance",
    apiKeyEnv: "BENCH_EXCHANGE_KEY",
    secretEnv: "BENCH_EXCHANGE_SECRET",
    sandbox: false,
    marketType: "spot",
    apiBaseUrl: exchange.url,
  };
  return {
    BENCH_DATABASE_URL: databaseUrl,
    BENCH_STRATEGY_CONFIG: JSON.stringify(LIVE_STRATEGY_CONFIG),
    BENCH_EXCHANGE_ACCOUNTS: JSON.stringify([account]),
    BENCH_EXCHANGE_KEY: EXCHANGE_KEY,
    BENCH_EXCHANGE_SECRET: EXCHANGE_SECRET,
  };
}

export type LiveLatencyOutcome = { lines: string[]; ok: boolean; errors: string[] };

type Stat = { count: number; p50: number; p99: number; max: number };

const side = (n: number) => (n % 2 === 0 ? "buy" : "sell");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the gateway has read the account's markets and balances (it connects in the background). */
export async function waitForAccount(port: number): Promise<void> {
  const deadline = performance.now() + HEALTH_TIMEOUT_MS;
  let last = "no answer";
  while (performance.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/accounts/${LIVE_ACCOUNT_ID}`, { headers: { authorization: `Bearer ${BENCH_API_KEY}` } });
    const body = (await res.json()) as { health?: { status: string; detail: string | null } };
    if (body.health?.status === "ok") return;
    last = `${res.status} ${body.health?.status ?? "no health"}${body.health?.detail ? `: ${body.health.detail}` : ""}`;
    await sleep(50);
  }
  throw new Error(`account ${LIVE_ACCOUNT_ID} not healthy after ${HEALTH_TIMEOUT_MS} ms (${last})`);
}

/** ccxt straight at the exchange, as the gateway's venue would call it, minus the gateway. */
async function directRoundTrips(exchange: TestExchange, count: number, enableRateLimit: boolean): Promise<number[]> {
  const client = new binance({
    apiKey: EXCHANGE_KEY,
    secret: EXCHANGE_SECRET,
    enableRateLimit: false,
    options: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false, fetchMargins: false, defaultType: "spot" },
  });
  // With the limiter on: the gateway's client's own (see withRequestBucket).
  if (enableRateLimit) withRequestBucket(client);
  client.urls["api"] = { ...exchange.ccxtApiUrls };
  await client.loadMarkets();
  const times: number[] = [];
  for (let n = 0; n < WARMUP_ORDERS + count; n++) {
    const started = performance.now();
    await client.createOrder("BTC/USDT", "market", side(n), Number(QUANTITY), undefined, { clientOrderId: `bench-direct-${enableRateLimit ? "rl-" : ""}${n}` });
    if (n >= WARMUP_ORDERS) times.push(performance.now() - started);
  }
  return times;
}

type SignalView = {
  status: string;
  receivedAt: string;
  processedAt: string | null;
  result: Record<string, unknown> | null;
  trace: { orders: Array<{ fills: Array<{ at: string }> }> };
};

type GatewaySample = { toExchange: number; toFill: number; toProcessed: number; exchangeRequests: number };

/** One alert, waited for until processed; its timings, or why it has none. */
async function oneAlert(target: Target, path: string, exchange: TestExchange, n: number): Promise<GatewaySample | string> {
  const seen = exchange.requests().length;
  const body = `{"ticker":"BTCUSDT","action":"${side(n)}","quantity":"${QUANTITY}","price":"${PRICE}","n":${n}}`;
  const base = `http://127.0.0.1:${target.port}`;
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  if (res.status !== 202) return `alert ${n} answered ${res.status}`;
  const { id } = (await res.json()) as { id: string };
  const deadline = performance.now() + SIGNAL_TIMEOUT_MS;
  // Until the order reaches the exchange, watched here at no cost to the gateway: polling its API
  // meanwhile would take CPU and database time from the signal being measured.
  const isOrder = (r: RecordedRequest) => r.method === "POST" && r.path === "/api/v3/order";
  while (!exchange.requests().slice(seen).some(isOrder) && performance.now() < deadline) await sleep(1);
  let signal: SignalView | undefined;
  while (performance.now() < deadline) {
    const got = await fetch(`${base}/v1/signals/${id}`, { headers: { authorization: `Bearer ${BENCH_API_KEY}` } });
    signal = (await got.json()) as SignalView;
    if (signal.status !== "queued" && signal.status !== "processing") break;
    await sleep(POLL_MS);
  }
  if (!signal || signal.status !== "processed") return `signal ${id} (alert ${n}) ${signal?.status ?? "unread"} after ${SIGNAL_TIMEOUT_MS} ms`;
  const fills = signal.trace.orders.flatMap((o) => o.fills);
  const since = exchange.requests().slice(seen);
  const orderPosts = since.filter(isOrder);
  if (fills.length !== 1 || orderPosts.length !== 1) {
    return `signal ${id} (alert ${n}): ${fills.length} fills, ${orderPosts.length} order requests at the exchange (outcome ${String(signal.result?.outcome)})`;
  }
  const received = Date.parse(signal.receivedAt);
  return {
    toExchange: (orderPosts[0]?.receivedAt ?? Number.NaN) - received,
    toFill: Date.parse(fills[0]?.at ?? "") - received,
    toProcessed: Date.parse(signal.processedAt ?? "") - received,
    exchangeRequests: since.length,
  };
}

function stat(values: number[]): Stat {
  const sorted = Float64Array.from(values).sort();
  return { count: values.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

export async function runLiveLatency(target: Target, exchange: TestExchange, count: number, database: string): Promise<LiveLatencyOutcome> {
  const webhook = target.webhook;
  if (!webhook) throw new Error(`${target.name} reported no webhook`);
  const direct = stat(await directRoundTrips(exchange, count, false));
  // Not the baseline, but what the gateway's own ccxt client (rate limiter on) costs per call here.
  const limited = stat(await directRoundTrips(exchange, count, true));

  const samples: GatewaySample[] = [];
  const errors: string[] = [];
  for (let n = 0; n < WARMUP_ORDERS + count && errors.length === 0; n++) {
    const sample = await oneAlert(target, webhook.path, exchange, n);
    if (typeof sample === "string") errors.push(`live: ${sample}`);
    else if (n >= WARMUP_ORDERS) samples.push(sample);
  }
  if (errors.length > 0) return { lines: ["live order latency: failed, see below"], ok: false, errors };

  const toExchange = stat(samples.map((s) => s.toExchange));
  const toFill = stat(samples.map((s) => s.toFill));
  const toProcessed = stat(samples.map((s) => s.toProcessed));
  const requests = stat(samples.map((s) => s.exchangeRequests));
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "n/a");
  const row = (name: string, s: Stat) => [name, String(s.count), ms(s.p50), ms(s.p99), ms(s.max)];
  const table = formatRows(
    ["live order, ms", "count", "p50", "p99", "max"],
    [
      row("direct: ccxt createOrder round trip", direct),
      row("  the same with ccxt's rate limiter on (not the baseline)", limited),
      row("gateway: alert received -> order at the exchange", toExchange),
      row("gateway: alert received -> fill booked", toFill),
      row("gateway: alert received -> signal processed", toProcessed),
    ],
  );
  const added = (p: "p50" | "p99") => `${p} ${ms(toFill[p] - direct[p])} ms (${(toFill[p] / direct[p]).toFixed(1)}x the direct round trip)`;
  const lines = [
    `live order latency on ${database}: a local Binance-protocol test exchange; ${WARMUP_ORDERS} warm-up orders, then ${count} measured, ` +
      "ONE AT A TIME (latency, not throughput), BTC/USDT market orders of 0.001 alternating buy and sell",
    "",
    table,
    "",
    `added by the gateway (alert -> fill booked minus the direct round trip): ${added("p50")}, ${added("p99")}`,
    "direct: timed around ccxt's createOrder in this process, rate limiter off (the baseline) and on (the gateway's client has it on,",
    "as in production: part of what the gateway adds). gateway: the signal's received_at and the fill's filled_at (gateway clock,",
    "whole ms; filled_at is stamped in the transaction that books the fill, just before it commits) and when the exchange received",
    `the order request (same host, same wall clock). Exchange requests per signal: p50 ${requests.p50}, max ${requests.max}.`,
  ];
  return { lines, ok: true, errors: [] };
}
