/**
 * Webhook answers while long backtests run: the same open-loop TradingView alerts (each one traded
 * on paper by the signal workers) are sent to one gateway twice, first alone, then while backtests of
 * half a million candles run one after another in its worker thread, and the answer latencies are
 * compared. The goal: p99 at most 50 ms while a backtest runs.
 */
import { percentile } from "./load.js";
import { benchCandles } from "./backtest-data.js";
import { sendOpenLoop, type Send } from "./signal-latency.js";
import type { Target } from "./spawn-target.js";
import { BENCH_API_KEY } from "./targets/protocol.js";

export const BACKTEST_WEBHOOK_GOAL_P99_MS = 50;
const CANDLES = 500_000;
const QUEUED_BACKTESTS = 30;
const auth = { authorization: `Bearer ${BENCH_API_KEY}` };

type Phase = { label: string; count: number; errors: number; p50: number; p99: number; max: number };

async function api(port: number, method: string, path: string, body?: unknown, contentType = "application/json"): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "content-type": contentType }) },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The bench candles into the gateway's own store, through the REST import, a chunk per request. */
async function importCandles(port: number): Promise<{ first: number; last: number; count: number }> {
  const series = benchCandles(CANDLES);
  const n = series.time.length;
  const chunk = 66_000;
  for (let start = 0; start < n; start += chunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(n, start + chunk); i++) {
      lines.push(`${series.time[i]},${series.open[i]},${series.high[i]},${series.low[i]},${series.close[i]},${series.volume[i]}`);
    }
    await api(port, "POST", "/v1/candles/import?symbol=BTC/USDT&timeframe=1m", lines.join("\n"), "text/csv");
  }
  return { first: series.time[0] as number, last: series.time[n - 1] as number, count: n };
}

function phase(label: string, sends: readonly Send[]): Phase {
  const answered = sends.filter((s) => s.status === 202 && s.answerMs !== undefined);
  const sorted = Float64Array.from(answered.map((s) => s.answerMs as number)).sort();
  const failed = sends.find((s) => s.status !== 202);
  if (failed) process.stderr.write(`${label}: first failure: ${failed.error ?? `status ${failed.status}`}\n`);
  return { label, count: answered.length, errors: sends.length - answered.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
}

export async function runBacktestWebhooks(target: Target, options: { rate: number; durationMs: number; database: string }): Promise<{ lines: string[]; ok: boolean }> {
  const webhook = target.webhook;
  if (!webhook) throw new Error(`${target.name} reported no webhook`);
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const importStarted = performance.now();
  const candles = await importCandles(target.port);
  const importSeconds = (performance.now() - importStarted) / 1000;

  const alone = phase("webhooks alone", (await sendOpenLoop(target.port, webhook.path, options.rate, total)).sends);

  const request = {
    strategy: { type: "rsi", params: { period: 14, oversold: 30, overbought: 70 } },
    config: { sizing: { type: "fixed_quote", notional: "1000" } },
    symbols: ["BTC/USDT"],
    timeframe: "1m",
    from: candles.first,
    to: candles.last,
  };
  const ids: string[] = [];
  for (let k = 0; k < QUEUED_BACKTESTS; k++) ids.push((await api(target.port, "POST", "/v1/backtests", request)).id as string);
  // The first one must be under way before the measurement starts. On a fast machine it can finish
  // between two polls; the next one then starts at once, since they run back to back.
  for (let waited = 0; ; waited += 50) {
    const first = await api(target.port, "GET", `/v1/backtests/${ids[0]}`);
    if ((first.status === "running" && Number(first.candlesProcessed) > 0) || first.status === "succeeded") break;
    if (waited > 60_000 || first.status === "failed") throw new Error(`the first backtest never started running: ${JSON.stringify(first)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const during = phase("webhooks during backtests", (await sendOpenLoop(target.port, webhook.path, options.rate, total, total)).sends);
  const states = await Promise.all(ids.map((id) => api(target.port, "GET", `/v1/backtests/${id}`)));
  const succeeded = states.filter((s) => s.status === "succeeded").length;
  const stillRunning = states.some((s) => s.status === "running" || s.status === "queued");
  const processed = states.reduce((sum, s) => sum + Number(s.candlesProcessed ?? 0), 0);
  await Promise.all(ids.map((id) => api(target.port, "POST", `/v1/backtests/${id}/cancel`).catch(() => undefined)));

  const met = during.p99 <= BACKTEST_WEBHOOK_GOAL_P99_MS && during.errors === 0;
  const row = (p: Phase) => `| ${p.label} | ${p.count} | ${p.errors} | ${p.p50.toFixed(1)} | ${p.p99.toFixed(1)} | ${p.max.toFixed(1)} |`;
  const lines = [
    `webhook answers while backtests run (${options.database}, open loop at ${options.rate} alerts/s for ${options.durationMs / 1000} s, every alert traded on paper)`,
    `candles: ${candles.count.toLocaleString("en-US")} BTC/USDT 1m imported over REST in ${importSeconds.toFixed(1)} s; backtests: rsi(14) 30/70 over all of them, ${QUEUED_BACKTESTS} queued, one at a time`,
    "| phase | answered 202 | errors | p50 ms | p99 ms | max ms |",
    "|---|---:|---:|---:|---:|---:|",
    row(alone),
    row(during),
    `backtests during the window: ${succeeded} finished, ${processed.toLocaleString("en-US")} candles processed, ${stillRunning ? "still going when it ended" : "ALL DONE BEFORE IT ENDED (the window was not covered)"}`,
    `goal: webhook p99 <= ${BACKTEST_WEBHOOK_GOAL_P99_MS} ms while a long backtest runs: ${met && stillRunning ? "met" : "NOT met"} (${during.p99.toFixed(1)} ms)`,
  ];
  return { lines, ok: alone.errors === 0 && during.errors === 0 };
}
