import type { TestApp } from "./harness.js";

export type CreatedStrategy = {
  id: string;
  key: string;
  webhookPath: string;
  passphrase?: string;
};

let counter = 0;

/** Creates a strategy through the API and returns the path part of its webhook URL. */
export async function createStrategy(
  t: TestApp,
  overrides: { key?: string; allowedSymbols?: string[]; passphrase?: boolean; enabled?: boolean } & Record<string, unknown> = {},
): Promise<CreatedStrategy> {
  const key = overrides.key ?? `strategy-${process.pid}-${++counter}`;
  const res = await t.http
    .post("/v1/strategies")
    .set(t.auth())
    .send({ key, name: key, allowedSymbols: [], passphrase: false, ...overrides });
  if (res.status !== 201) throw new Error(`strategy creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.strategy.id,
    key,
    webhookPath: new URL(res.body.webhookUrl).pathname,
    ...(res.body.passphrase ? { passphrase: res.body.passphrase } : {}),
  };
}

/** Polls a signal until it reaches one of `statuses`. */
export async function waitForSignal(t: TestApp, id: string, statuses: string[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http.get(`/v1/signals/${id}`).set(t.auth());
    if (statuses.includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`signal ${id} stayed ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
