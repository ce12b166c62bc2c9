import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy, type CreatedStrategy } from "../helpers/strategies.js";
import { sendAlert } from "../helpers/trading.js";
import { refusingUrl, startReceiver, type Receiver } from "./notifications-receivers.js";

/**
 * A dead sink never slows trading. Two sinks are dead: one accepts the connection and never answers
 * (its request stays in flight for the whole test: the timeout is a minute), one refuses connections.
 * The background dispatcher runs as in production. Signals go in after the hanging request is in
 * flight and are all processed and filled while it still is, with every delivery of both sinks
 * still pending: nothing on the trading path waited for a sink.
 */

type Delivery = { eventId: string; eventType: string; sink: string; status: string; attempts: number; lastError: string | null; deliveredAt: string | null };

let hanging: Receiver;
let t: TestApp;
let strategy: CreatedStrategy;

beforeAll(async () => {
  hanging = await startReceiver(() => "hang");
  const env = {
    PAPER_SLIPPAGE_BPS: "0",
    WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0",
    WEBHOOK_RATE_LIMIT_PER_TOKEN: "0",
    NOTIFICATION_DISPATCH_MS: "20",
    NOTIFICATION_TIMEOUT_MS: "60000",
    NOTIFICATION_SINKS: JSON.stringify([
      { name: "hangs", type: "slack", urlEnv: "HANGING_URL", events: ["fill"] },
      { name: "refuses", type: "discord", urlEnv: "REFUSING_URL", events: ["fill"] },
    ]),
    HANGING_URL: `${hanging.url}/services/T/B/hanging-secret`,
    REFUSING_URL: await refusingUrl(),
  };
  t = await startTestApp(env);
  strategy = await createStrategy(t, { riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null } });
});
afterAll(async () => {
  await t?.close();
  await hanging?.close();
});

async function deliveries(sink: string): Promise<Delivery[]> {
  const res = await t.http.get("/v1/notifications/deliveries").query({ sink, limit: 500 }).set(t.auth());
  expect(res.status).toBe(200);
  return res.body.data;
}

/** Polls the deliveries until `until` holds (the dispatcher runs on its own timer). */
async function waitForDeliveries(sink: string, until: (rows: Delivery[]) => boolean): Promise<Delivery[]> {
  for (let i = 0; ; i++) {
    const rows = await deliveries(sink);
    if (until(rows)) return rows;
    if (i > 1000) throw new Error(`${sink}: deliveries never got there: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a dead sink never slows trading", () => {
  it("signals are processed and filled while one sink hangs and the other refuses", async () => {
    const first = await sendAlert(t, strategy, { ticker: "ETHUSDT", action: "buy", quantity: "0.01", price: "4000" });
    expect(first.trace.orders).toMatchObject([{ status: "filled" }]);
    // The hanging sink now holds the first fill's request open; the refusing one has failed it once.
    await hanging.waitFor(1);
    await waitForDeliveries("refuses", (rows) => rows.some((d) => d.attempts === 1 && d.lastError === "connection refused"));

    const later = [];
    // Out and in again: each signal trades (a second buy while long would be no action).
    for (let i = 0; i < 5; i++) {
      const body = i % 2 === 0 ? { action: "exit_long" } : { action: "buy", quantity: "0.01" };
      later.push(await sendAlert(t, strategy, { ticker: "ETHUSDT", price: String(4001 + i), ...body }));
    }
    expect(later.map((s) => [s.status, s.trace.orders.map((o) => o.status)])).toEqual(later.map(() => ["processed", ["filled"]]));

    // Every fill became a delivery to each sink, and none of them got through; the hanging sink
    // still has its first request open and has been sent nothing else.
    const hangs = await waitForDeliveries("hangs", (rows) => rows.length === 6);
    expect(hangs.map((d) => [d.status, d.deliveredAt])).toEqual(hangs.map(() => ["pending", null]));
    expect(hangs.map((d) => d.attempts).sort()).toEqual([0, 0, 0, 0, 0, 1]);
    expect(hanging.requests).toHaveLength(1);
    // An attempt is counted when it is claimed and its error written when the refusal comes back: wait for both.
    const refuses = await waitForDeliveries("refuses", (rows) => rows.length === 6 && rows.every((d) => d.attempts === 1 && d.lastError !== null));
    expect(refuses.map((d) => [d.status, d.lastError])).toEqual(refuses.map(() => ["pending", "connection refused"]));

    const health = (await t.http.get("/v1/notifications/sinks").set(t.auth())).body.data;
    expect(health.map((s: { name: string; health: { pending: number; lastSuccessAt: string | null } }) => [s.name, s.health.pending, s.health.lastSuccessAt])).toEqual([
      ["hangs", 6, null],
      ["refuses", 6, null],
    ]);
  });

  it("stopping does not wait for the hanging request: it is cut off and its delivery is due again at once", async () => {
    const [inFlight] = (await deliveries("hangs")).filter((d) => d.attempts === 1);
    await t.services.processing.stop();
    const after = (await deliveries("hangs")).find((d) => d.eventId === inFlight?.eventId);
    expect(after).toMatchObject({ status: "pending", attempts: 1, lastError: "interrupted: the gateway stopped", deliveredAt: null });
    const due = await t.services.database.query<{ due: boolean }>(
      "select next_attempt_at <= last_attempt_at + interval '1 minute' as due from notification_deliveries where event_id = $1 and sink = 'hangs'",
      [inFlight?.eventId],
    );
    expect(due).toEqual([{ due: true }]);
  });
});
