import { parseWebhookSecrets, signStandardWebhook } from "../ingest/standard-webhooks.js";
import { eventText, type OutgoingEvent } from "./messages.js";
import type { NotificationSinkConfig } from "./sinks-config.js";

/** One HTTP POST to a sink, built from the event and the sink's secrets read from the environment now. */
export type SinkRequest = Readonly<{
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  /** The secret values in it (the URL, the token, the signing key): redacted from anything stored or logged. */
  secrets: readonly string[];
}>;

type Env = Readonly<Record<string, string | undefined>>;

const TELEGRAM_API = "https://api.telegram.org";
// Each service's message limit, with room for the ellipsis.
const LIMITS = { slack: 3900, discord: 1990, telegram: 4000 } as const;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
// Slack reads &, < and > as markup (links, mentions): escaped, the text shows as written.
const slackEscape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

function read(env: Env, name: string): string {
  const value = env[name];
  // Checked at boot; a variable removed since is an operator error, reported by name only.
  if (value === undefined || value === "") throw new SinkSecretError(name, "is not set");
  return value;
}

/** A sink's variable went missing or bad after boot. The message names the variable, never its value. */
export class SinkSecretError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`environment variable ${variable} ${problem}`);
    this.name = "SinkSecretError";
  }
}

/** The URL and its path: a Slack or Discord incoming-webhook URL is a secret as a whole and in its path. */
function urlSecrets(url: string): string[] {
  const u = new URL(url);
  const path = `${u.pathname}${u.search}`;
  return path.length > 1 ? [url, path] : [url];
}

/**
 * Slack: `{"text"}`; Discord: `{"content"}` with mentions off; Telegram: sendMessage with chat_id and
 * text; webhook: the event as Standard Webhooks JSON (`type`, `timestamp`, `data`) with webhook-id (the
 * event id, the same on every attempt so a receiver can dedupe), webhook-timestamp (now) and
 * webhook-signature, one `v1,` entry per configured secret (more than one while rotating).
 */
export function sinkRequest(sink: NotificationSinkConfig, event: OutgoingEvent, env: Env, now: Date): SinkRequest {
  const json = { "content-type": "application/json" };
  switch (sink.type) {
    case "slack": {
      const url = read(env, sink.urlEnv);
      return { url, headers: json, body: JSON.stringify({ text: clip(slackEscape(eventText(event)), LIMITS.slack) }), secrets: urlSecrets(url) };
    }
    case "discord": {
      const url = read(env, sink.urlEnv);
      const body = { content: clip(eventText(event), LIMITS.discord), allowed_mentions: { parse: [] } };
      return { url, headers: json, body: JSON.stringify(body), secrets: urlSecrets(url) };
    }
    case "telegram": {
      const token = read(env, sink.botTokenEnv);
      const base = (sink.apiBaseUrl ?? TELEGRAM_API).replace(/\/+$/, "");
      const body = { chat_id: sink.chatId, text: clip(eventText(event), LIMITS.telegram), disable_web_page_preview: true };
      return { url: `${base}/bot${token}/sendMessage`, headers: json, body: JSON.stringify(body), secrets: [token] };
    }
    case "webhook": {
      const url = read(env, sink.urlEnv);
      const raw = read(env, sink.secretEnv);
      const parsed = parseWebhookSecrets(raw);
      if (!parsed.ok) throw new SinkSecretError(sink.secretEnv, "does not hold a Standard Webhooks secret");
      const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data });
      const timestamp = Math.floor(now.getTime() / 1000);
      const signature = parsed.secrets.map((secret) => signStandardWebhook({ id: event.id, timestamp, body, secret })).join(" ");
      const headers = { ...json, "webhook-id": event.id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
      return { url, headers, body, secrets: [...urlSecrets(url), ...raw.split(/[\s,]+/).filter((s) => s.length > 0)] };
    }
  }
}
