import { describe, expect, it } from "vitest";
import { parseWebhookSecrets, verifyStandardWebhook } from "../../src/ingest/standard-webhooks.js";
import { eventText, type OutgoingEvent } from "../../src/notifications/messages.js";
import { redact, sendToSink } from "../../src/notifications/send.js";
import { SinkSecretError, sinkRequest } from "../../src/notifications/sink-requests.js";
import { NOTIFICATION_EVENT_TYPES } from "../../src/notifications/events.js";

const SLACK_URL = "https://hooks.slack.com/services/T000/B000/slack-secret-path-0123";
const BOT_TOKEN = "123456789:telegram-secret-token_ABCdef";
const SECRET_A = `whsec_${Buffer.alloc(32, 1).toString("base64")}`;
const SECRET_B = `whsec_${Buffer.alloc(32, 2).toString("base64")}`;
const env = { SLACK_URL, DISCORD_URL: "https://discord.com/api/webhooks/1/discord-secret", BOT_TOKEN, HOOK_URL: "https://example.com/hooks?key=hook-secret", HOOK_SECRET: `${SECRET_A} ${SECRET_B}` };
const now = new Date("2026-03-01T12:00:00.000Z");
const all = [...NOTIFICATION_EVENT_TYPES];

const fill: OutgoingEvent = {
  id: "evt_abc",
  type: "fill",
  occurredAt: new Date("2026-03-01T11:59:59.000Z"),
  data: { side: "buy", quantity: "0.010", symbol: "ETH/USDT", price: "4000.5", fee: "0.04", realizedPnl: "0", strategyId: "stg_1", accountId: "acc_paper", orderId: "ord_1" },
};

describe("sinkRequest", () => {
  it("Slack gets {text}, with &, < and > escaped so a reason cannot become a link or a mention", () => {
    const denial: OutgoingEvent = { ...fill, type: "risk.denied", data: { side: "sell", symbol: "BTC/USDT", reason: "NOTIONAL_BELOW_MIN", limit: "<!channel> & 10", strategyId: "stg_1" } };
    const request = sinkRequest({ name: "s", type: "slack", urlEnv: "SLACK_URL", events: all }, denial, env, now);
    expect(request.url).toBe(SLACK_URL);
    expect(request.headers).toEqual({ "content-type": "application/json" });
    expect(JSON.parse(request.body)).toEqual({ text: "[signal-gateway] Risk denied: SELL BTC/USDT: NOTIONAL_BELOW_MIN (limit &lt;!channel&gt; &amp; 10). Strategy stg_1." });
    expect(request.secrets).toEqual([SLACK_URL, "/services/T000/B000/slack-secret-path-0123"]);
  });

  it("Discord gets {content} with mentions off; Telegram gets sendMessage at its API base with the token in the path", () => {
    const discord = sinkRequest({ name: "d", type: "discord", urlEnv: "DISCORD_URL", events: all }, fill, env, now);
    expect(JSON.parse(discord.body)).toEqual({
      content: "[signal-gateway] Fill: BUY 0.010 ETH/USDT at 4000.5 (fee 0.04, realized 0). Strategy stg_1, account acc_paper, order ord_1.",
      allowed_mentions: { parse: [] },
    });
    const telegram = sinkRequest({ name: "t", type: "telegram", botTokenEnv: "BOT_TOKEN", chatId: "-100123", apiBaseUrl: "http://127.0.0.1:8081/", events: all }, fill, env, now);
    expect(telegram.url).toBe(`http://127.0.0.1:8081/bot${BOT_TOKEN}/sendMessage`);
    expect(JSON.parse(telegram.body)).toEqual({ chat_id: "-100123", text: eventText(fill), disable_web_page_preview: true });
    expect(telegram.secrets).toEqual([BOT_TOKEN]);
    const official = sinkRequest({ name: "t", type: "telegram", botTokenEnv: "BOT_TOKEN", chatId: "@desk_room", events: all }, fill, env, now);
    expect(official.url).toBe(`https://api.telegram.org/bot${BOT_TOKEN}/sendMessage`);
  });

  it("a webhook gets the event as Standard Webhooks JSON, signed with every configured secret, verifiable by our own verifier", () => {
    const request = sinkRequest({ name: "w", type: "webhook", urlEnv: "HOOK_URL", secretEnv: "HOOK_SECRET", events: all }, fill, env, now);
    expect(JSON.parse(request.body)).toEqual({ type: "fill", timestamp: "2026-03-01T11:59:59.000Z", data: fill.data });
    expect(request.headers["webhook-id"]).toBe("evt_abc");
    expect(request.headers["webhook-timestamp"]).toBe(String(now.getTime() / 1000));
    expect(request.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    for (const secret of [SECRET_A, SECRET_B]) {
      const secrets = (parseWebhookSecrets(secret) as { ok: true; secrets: never[] }).secrets;
      const verified = verifyStandardWebhook({
        id: request.headers["webhook-id"],
        timestamp: request.headers["webhook-timestamp"],
        signature: request.headers["webhook-signature"],
        body: request.body,
        secrets,
        now,
      });
      expect(verified).toMatchObject({ ok: true, id: "evt_abc" });
      // One byte changed in the body and it no longer verifies.
      expect(verifyStandardWebhook({ id: "evt_abc", timestamp: request.headers["webhook-timestamp"], signature: request.headers["webhook-signature"], body: request.body.replace("4000.5", "4000.6"), secrets, now })).toMatchObject({ ok: false });
    }
    expect(request.secrets).toEqual(expect.arrayContaining([env.HOOK_URL, SECRET_A, SECRET_B]));
  });

  it("a variable gone since boot is an error naming it, never its value", () => {
    const build = () => sinkRequest({ name: "s", type: "slack", urlEnv: "GONE_URL", events: all }, fill, env, now);
    expect(build).toThrow(SinkSecretError);
    expect(build).toThrow("environment variable GONE_URL is not set");
  });
});

describe("eventText", () => {
  it("renders each event type in one line", () => {
    const texts = {
      "position.closed": eventText({ ...fill, type: "position.closed", data: { symbol: "ETH/USDT", realizedPnl: "12.5", fees: "0.8", netPnl: "11.7", strategyId: "stg_1", accountId: "acc_paper", positionId: "pos_1" } }),
      state: eventText({ ...fill, type: "trading_state.changed", data: { scope: "account", accountId: "acc_x", strategyId: null, previousState: "ACTIVE", state: "HALTED", reason: "maintenance", changedBy: "key_1" } }),
      venue: eventText({ ...fill, type: "venue.unhealthy", data: { accountId: "binance-main", health: "unavailable", previousHealth: "ok", detail: "VENUE_TIMEOUT: markets or balances could not be read" } }),
      backtest: eventText({ ...fill, type: "backtest.finished", data: { backtestId: "bt_1", status: "succeeded", metrics: { trades: 42, totalReturn: 0.1234, maxDrawdown: 0.05 } } }),
      failed: eventText({ ...fill, type: "backtest.finished", data: { backtestId: "bt_2", status: "failed", errorCode: "ENGINE_ERROR", metrics: null } }),
    };
    expect(texts).toEqual({
      "position.closed": "[signal-gateway] Position closed: ETH/USDT, realized PnL 12.5, fees 0.8, net 11.7. Strategy stg_1, account acc_paper, position pos_1.",
      state: "[signal-gateway] Trading state (account acc_x): ACTIVE → HALTED. Reason: maintenance; by key_1.",
      venue: "[signal-gateway] Venue unhealthy: account binance-main is unavailable (was ok): VENUE_TIMEOUT: markets or balances could not be read.",
      backtest: "[signal-gateway] Backtest bt_1 succeeded: 42 trades, return 12.34%, max drawdown 5.00%.",
      failed: "[signal-gateway] Backtest bt_2 failed (ENGINE_ERROR).",
    });
  });
});

describe("sendToSink", () => {
  const request = { url: SLACK_URL, headers: { "content-type": "application/json" }, body: "{}", secrets: [SLACK_URL, "/services/T000/B000/slack-secret-path-0123"] };
  const answer = (status: number, body: string, headers: Record<string, string> = {}) => async () => new Response(body, { status, headers });
  const send = (fetch: typeof globalThis.fetch) => sendToSink(request, { timeoutMs: 1000, stop: new AbortController().signal, now: () => now, fetch });

  it("classifies answers: 2xx delivered, 5xx and 429 retryable with the receiver's wait, other 4xx and 3xx permanent", async () => {
    expect(await send(answer(200, "ok"))).toEqual({ kind: "delivered", statusCode: 200 });
    expect(await send(answer(503, "busy"))).toEqual({ kind: "retryable", statusCode: 503, error: "HTTP 503: busy" });
    expect(await send(answer(429, "", { "retry-after": "7" }))).toEqual({ kind: "retryable", statusCode: 429, error: "HTTP 429", retryAfterMs: 7000 });
    const telegram = await send(answer(429, '{"ok":false,"error_code":429,"parameters":{"retry_after":35}}'));
    expect(telegram).toMatchObject({ kind: "retryable", retryAfterMs: 35_000 });
    expect(await send(answer(404, "no_service"))).toEqual({ kind: "permanent", statusCode: 404, error: "HTTP 404: no_service" });
    expect(await send(answer(302, "", { location: "https://elsewhere.example" }))).toEqual({ kind: "permanent", statusCode: 302, error: "HTTP 302: redirects are not followed" });
  });

  it("never keeps a secret the receiver echoes, even where the excerpt is cut", async () => {
    // Unredacted, the 200-character cut would fall inside the second URL and keep its first half.
    const body = `invalid_token for ${SLACK_URL} ${"x".repeat(60)} ${SLACK_URL} ${"y".repeat(300)}`;
    const echoed = await send(answer(400, body));
    expect(echoed.kind).toBe("permanent");
    const error = (echoed as { error: string }).error;
    expect(error).toMatch(/^HTTP 400: invalid_token for \*\*\* x{60} \*\*\* y+…$/);
    expect(error).not.toContain("hooks.slack");
    expect(error.length).toBe("HTTP 400: ".length + 201);
    expect(redact(`a ${encodeURIComponent(SLACK_URL)} b`, request.secrets)).toBe("a *** b");
  });

  it("names network failures from a closed list, never with the driver's message", async () => {
    const failing = (code: string) => async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(`connect ${code} ${SLACK_URL}`), { code }) });
    };
    expect(await send(failing("ECONNREFUSED"))).toEqual({ kind: "retryable", statusCode: null, error: "connection refused" });
    expect(await send(failing("ENOTFOUND"))).toEqual({ kind: "retryable", statusCode: null, error: "host not found" });
    expect(await send(failing("SOME_NEW_CODE"))).toEqual({ kind: "retryable", statusCode: null, error: "network error (SOME_NEW_CODE)" });
    expect(await send(failing("lower case " + SLACK_URL))).toEqual({ kind: "retryable", statusCode: null, error: "network error" });
  });

  it("a request the shutdown aborts says so", async () => {
    const stop = new AbortController();
    const hang: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true }));
    const pending = sendToSink(request, { timeoutMs: 60_000, stop: stop.signal, now: () => now, fetch: hang });
    stop.abort();
    expect(await pending).toEqual({ kind: "retryable", statusCode: null, error: "interrupted: the gateway stopped" });
  });
});
