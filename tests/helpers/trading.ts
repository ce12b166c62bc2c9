import { expect } from "vitest";
import type { Clock } from "../../src/lib/clock.js";
import { startTestApp, type TestApp } from "./harness.js";
import type { CreatedStrategy } from "./strategies.js";

/**
 * Real time plus an offset the test moves forward: intake stamps, price observations and the risk
 * engine's "now" all read it, so a jump ages every price the gateway has seen without a sleep.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** startTestApp with an injected clock. */
export function startTestAppWithClock(clock: Clock, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp(env, { clock });
}

export type TraceDecision = { leg: number; outcome: string; reason: string | null; limit: string | null; orderId: string | null; checks: unknown[] };
export type TraceFill = { id: string; quantity: string; price: string; fee: string; realizedPnl: string };
export type TraceOrder = { id: string; leg: number; role: string; side: string; kind: string; quantity: string; status: string; rejectReason: string | null; filledQuantity: string; fills: TraceFill[] };
export type ProcessedSignal = {
  id: string;
  status: string;
  result: Record<string, unknown> & { outcome?: string; reason?: string };
  trace: { decisions: TraceDecision[]; orders: TraceOrder[]; positions: Array<Record<string, string>> };
};

let sequence = 0;

/**
 * Posts a TradingView alert and waits until it is processed. A running number keeps otherwise equal
 * alerts from being deduplicated by content.
 */
export async function sendAlert(t: TestApp, s: CreatedStrategy, body: Record<string, unknown>): Promise<ProcessedSignal> {
  const res = await t.http.post(s.webhookPath).set("content-type", "application/json").send(JSON.stringify({ ...body, n: ++sequence }));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return waitProcessed(t, res.body.id as string);
}

/** Polls faster than waitForSignal: a property test waits for hundreds of signals. */
export async function waitProcessed(t: TestApp, id: string, timeoutMs = 10_000): Promise<ProcessedSignal> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http.get(`/v1/signals/${id}`).set(t.auth());
    expect(res.status).toBe(200);
    if (res.body.status === "processed" || res.body.status === "failed") {
      expect(res.body.status, `signal ${id}: ${JSON.stringify(res.body.result)}`).toBe("processed");
      return res.body as ProcessedSignal;
    }
    if (Date.now() > deadline) throw new Error(`signal ${id} stayed ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every page of a cursor-paginated listing. */
export async function listAll<T>(t: TestApp, path: string, query: Record<string, string | number> = {}): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.http
      .get(path)
      .query({ ...query, limit: 500, ...(cursor ? { cursor } : {}) })
      .set(t.auth());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    rows.push(...(res.body.data as T[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return rows;
}

/**
 * Waits, up to 10 s, until the venues (which connect in the background after boot) have checked each
 * of the exchange accounts: their health is no longer "unknown".
 */
export async function waitForExchangeAccounts(t: TestApp, ids: readonly string[]): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
    const list = (await t.http.get("/v1/accounts").set(t.auth())).body.data as Array<{ id: string; health?: { status: string } }>;
    if (ids.every((id) => list.find((a) => a.id === id)?.health?.status !== "unknown")) return;
  }
}
