/**
 * The webhook scenario: TradingView alerts POSTed to a gateway's strategy webhook, each body unique
 * so none is deduplicated and every answer must be 202 (committed), then a check that the ledger
 * holds exactly as many rows as there were 202 answers.
 */
import { runLoad, type LoadOptions, type LoadResult } from "./load.js";
import type { Target } from "./spawn-target.js";
import { BARE_WEBHOOK_PATH, BENCH_API_KEY } from "./targets/protocol.js";

export type LoadSettings = Pick<LoadOptions, "connections" | "warmupMs" | "durationMs" | "maxRequests">;

// Three lanes (strategy + symbol): workers process one signal per lane at a time, as in production.
const TICKERS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"] as const;

/** Alert number `n`: one market buy; the `n` field makes every body, hence every dedupe key, unique. */
export function alertBody(n: number): string {
  const ticker = TICKERS[n % TICKERS.length];
  return `{"ticker":"${ticker}","action":"buy","quantity":"0.001","price":"114679.56","n":${n}}`;
}

const POST = { method: "POST", body: alertBody, headers: { "content-type": "application/json" }, expectedStatus: 202 } as const;

/** The same alerts to the bare server, which only reads them: the baseline for the gateway's webhook. */
export function runBarePost(target: Target, settings: LoadSettings): Promise<LoadResult> {
  return runLoad({ ...settings, ...POST, port: target.port, path: BARE_WEBHOOK_PATH });
}

export type WebhookOutcome = { result: LoadResult; ledgerLine: string; ledgerOk: boolean };

export async function runWebhook(target: Target, settings: LoadSettings): Promise<WebhookOutcome> {
  const webhook = target.webhook;
  if (!webhook) throw new Error(`${target.name} reported no webhook`);
  const result = await runLoad({ ...settings, ...POST, port: target.port, path: webhook.path });
  // Every 202 was answered after its commit, so the count is final now, whatever the workers do.
  const committed = await countLedgerRows(target.port, webhook.strategyKey);
  const ledgerOk = committed === result.accepted;
  const relation = ledgerOk ? "=" : "!=";
  return { result, ledgerOk, ledgerLine: `ledger check: ${committed} committed ${relation} ${result.accepted} accepted (${target.name})` };
}

/** Pages through GET /v1/signals for the strategy, as an operator's client would. */
async function countLedgerRows(port: number, strategyKey: string): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ strategy: strategyKey, limit: "500", ...(cursor ? { cursor } : {}) });
    const res = await fetch(`http://127.0.0.1:${port}/v1/signals?${query}`, {
      headers: { authorization: `Bearer ${BENCH_API_KEY}` },
    });
    if (!res.ok) throw new Error(`ledger check: GET /v1/signals answered ${res.status}`);
    const page = (await res.json()) as { data: unknown[]; nextCursor: string | null };
    total += page.data.length;
    cursor = page.nextCursor;
  } while (cursor);
  return total;
}
