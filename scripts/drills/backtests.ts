import { readFileSync } from "node:fs";

/** A year of BTC/USDT hourly candles from the test fixtures: enough for backtests that take a moment. */
const CANDLES = new URL("../../tests/fixtures/ohlcv/binance_BTCUSDT_1h.csv", import.meta.url);

export type BacktestState = { id: string; status: string; error?: string };

/** Imports the candles; returns the range they cover. */
export async function importCandles(baseUrl: string, apiKey: string): Promise<{ from: number; to: number }> {
  const csv = readFileSync(CANDLES, "utf8");
  const times = csv.trim().split("\n").slice(1).map((line) => Number(line.split(",")[0]));
  const imported = await fetch(`${baseUrl}/v1/candles/import?symbol=BTC/USDT&timeframe=1h`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "text/csv" },
    body: csv,
  });
  if (!imported.ok) throw new Error(`importing candles answered ${imported.status}: ${await imported.text()}`);
  return { from: times[0] as number, to: times[times.length - 1] as number };
}

/** Submits `count` RSI backtests over the range; returns their ids. */
export async function submitBacktests(baseUrl: string, apiKey: string, range: { from: number; to: number }, count: number): Promise<string[]> {
  const auth = { authorization: `Bearer ${apiKey}` };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${baseUrl}/v1/backtests`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      // Different periods, so no two runs are the same request.
      body: JSON.stringify({ strategy: { type: "rsi", params: { period: 10 + i } }, symbols: ["BTC/USDT"], timeframe: "1h", ...range }),
    });
    if (res.status !== 202) throw new Error(`submitting a backtest answered ${res.status}: ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

export async function backtestStates(baseUrl: string, apiKey: string, ids: readonly string[]): Promise<BacktestState[]> {
  return Promise.all(
    ids.map(async (id) => {
      const res = await fetch(`${baseUrl}/v1/backtests/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
      if (!res.ok) return { id, status: `HTTP ${res.status}` };
      const body = (await res.json()) as { status: string; error: { code: string | null; message: string | null } | null };
      return { id, status: body.status, ...(body.error ? { error: `${body.error.code}: ${body.error.message}` } : {}) };
    }),
  );
}
