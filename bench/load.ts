/**
 * A closed-loop load generator: `connections` workers, each with one keep-alive socket, each sending
 * its next request as soon as the previous answer is fully read. Latency is measured per request.
 */
import { Agent, request } from "node:http";

export type LoadOptions = {
  port: number;
  path: string;
  method?: "GET" | "POST";
  /** Body of request number `n` (counted from 0 across warm-up and measurement); POST only. */
  body?: (n: number) => string;
  headers?: Record<string, string>;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Hard cap on measured requests, so a very fast target cannot grow the latency array unbounded. */
  maxRequests: number;
  expectedStatus?: number;
};

export type LoadResult = {
  requests: number;
  /** Answers with the expected status, warm-up included: what a ledger check must find committed. */
  accepted: number;
  /** Failed requests in warm-up and measurement alike: a warm-up failure is still a failure. */
  errors: number;
  /** First error seen, so a failing scenario says why instead of only how often. */
  firstError: string | undefined;
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
};

// A hung server must show up as errors, not as a benchmark that never ends.
const REQUEST_TIMEOUT_MS = 10_000;

type Phase = { deadline: number; budget: number; latencies: number[]; errors: number; firstError?: string };

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const expected = options.expectedStatus ?? 200;
  // maxSockets = connections: each worker keeps its own socket, and warm-up opens them all.
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  let sequence = 0;
  // The counter runs on through both phases, so no two requests of a run share a body.
  const send = () => sendOnce(agent, options, expected, options.body?.(sequence++));
  try {
    const warmup = await runPhase(options.connections, send, Date.now() + options.warmupMs, Number.POSITIVE_INFINITY);
    const started = performance.now();
    const phase = await runPhase(options.connections, send, Date.now() + options.durationMs, options.maxRequests);
    const elapsedMs = performance.now() - started;
    const sorted = Float64Array.from(phase.latencies).sort();
    return {
      requests: phase.latencies.length,
      accepted: warmup.latencies.length + phase.latencies.length,
      errors: warmup.errors + phase.errors,
      firstError: warmup.firstError ?? phase.firstError,
      elapsedMs,
      requestsPerSecond: (phase.latencies.length / elapsedMs) * 1000,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  } finally {
    agent.destroy();
  }
}

/** Nearest-rank percentile over an ascending array; NaN when there is nothing to rank. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** Runs workers until the deadline passes or `budget` requests have been started. */
async function runPhase(workers: number, send: () => Promise<void>, deadline: number, budget: number) {
  const phase: Phase = { deadline, budget, latencies: [], errors: 0 };
  const worker = async () => {
    while (Date.now() < phase.deadline && phase.budget > 0) {
      phase.budget--;
      const t0 = performance.now();
      try {
        await send();
        phase.latencies.push(performance.now() - t0);
      } catch (err) {
        phase.errors++;
        phase.firstError ??= (err as Error).message;
        // A refused or reset connection fails instantly; do not spin on it.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return phase;
}

/** One request, resolved once the whole answer is read; rejects on a transport error or wrong status. */
function sendOnce(agent: Agent, options: LoadOptions, expected: number, body: string | undefined): Promise<void> {
  const method = options.method ?? "GET";
  // An explicit length, as TradingView sends, rather than chunked encoding the server must reassemble.
  const headers = body === undefined ? options.headers : { ...options.headers, "content-length": String(Buffer.byteLength(body)) };
  return new Promise<void>((resolve, reject) => {
    const req = request({ agent, host: "127.0.0.1", port: options.port, path: options.path, method, headers }, (res) => {
      res.on("error", reject);
      res.on("end", () => {
        if (res.statusCode === expected) resolve();
        else reject(new Error(`status ${res.statusCode} (expected ${expected})`));
      });
      res.resume(); // Drain the body: the socket is only reused once the response is consumed.
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
