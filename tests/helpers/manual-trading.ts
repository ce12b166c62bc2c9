import { expect } from "vitest";
import type { TestApp } from "./harness.js";
import { createStrategy, waitForSignal, type CreatedStrategy } from "./strategies.js";

/**
 * Every test file trades on one shared paper account, so the account-wide limits are switched off
 * (as in trading-flow.test.ts); `riskLimits` overrides add to that.
 */
export function tradingStrategy(t: TestApp, riskLimits: Record<string, unknown> = {}): Promise<CreatedStrategy> {
  return createStrategy(t, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null, ...riskLimits } });
}

let n = 0;

/**
 * Makes `price` the symbol's last known price the way production does, through a signal: an exit
 * from a strategy that holds nothing records the price and trades nothing.
 */
export async function setPrice(t: TestApp, pricer: CreatedStrategy, ticker: string, price: string): Promise<void> {
  const res = await t.http
    .post(pricer.webhookPath)
    .set("content-type", "application/json")
    .send(JSON.stringify({ ticker, action: "exit_long", price, n: ++n }));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const done = await waitForSignal(t, res.body.id, ["processed", "failed"]);
  expect(done.result).toMatchObject({ outcome: "NO_ACTION", reason: "NO_POSITION_TO_CLOSE" });
}

/** POST /v1/orders; `key` sets the Idempotency-Key header. */
export function placeOrder(t: TestApp, body: Record<string, unknown>, options: { key?: string; apiKey?: string } = {}) {
  const req = t.http.post("/v1/orders").set(t.auth(options.apiKey));
  if (options.key) req.set("idempotency-key", options.key);
  return req.send(body);
}

export async function ordersOf(t: TestApp, strategy: CreatedStrategy): Promise<Array<Record<string, unknown> & { id: string }>> {
  const res = await t.http.get("/v1/orders").query({ strategy: strategy.id, limit: 500 }).set(t.auth());
  expect(res.status).toBe(200);
  return res.body.data;
}

export async function openPositionOf(t: TestApp, strategy: CreatedStrategy, symbol: string): Promise<Record<string, unknown> & { id: string }> {
  const res = await t.http.get("/v1/positions").query({ strategy: strategy.id, symbol, status: "open" }).set(t.auth());
  expect(res.status).toBe(200);
  expect(res.body.data, `open ${symbol} position of ${strategy.key}`).toHaveLength(1);
  return res.body.data[0];
}

export async function apiKeyWithScopes(t: TestApp, scopes: string[]): Promise<string> {
  const res = await t.http.post("/v1/api-keys").set(t.auth()).send({ name: `key-${scopes.join("-")}-${++n}`, scopes });
  expect(res.status).toBe(201);
  return res.body.key as string;
}
