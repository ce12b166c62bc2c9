import { z } from "zod";
import { ENV_NAME, envName, expected, fromSource, parseJsonArray, readListSource } from "../config/json-list.js";
import { parseWebhookSecrets } from "../ingest/standard-webhooks.js";
import { NOTIFICATION_EVENT_TYPES, type NotificationEventType } from "./events.js";

/**
 * Notification sinks, declared as a JSON array in NOTIFICATION_SINKS or in the file named by
 * NOTIFICATION_SINKS_FILE (one or the other), like exchange accounts. Incoming-webhook URLs, bot
 * tokens and signing secrets are secrets: a sink names the environment variables holding them, and
 * only those names are kept; the values are read when a notification is sent.
 */

export const SINK_TYPES = ["slack", "discord", "telegram", "webhook"] as const;
export type SinkType = (typeof SINK_TYPES)[number];

type Common = { name: string; events: readonly NotificationEventType[] };
export type NotificationSinkConfig =
  | Readonly<Common & { type: "slack" | "discord"; urlEnv: string }>
  | Readonly<Common & { type: "telegram"; botTokenEnv: string; chatId: string; apiBaseUrl?: string | undefined }>
  | Readonly<Common & { type: "webhook"; urlEnv: string; secretEnv: string }>;

export type NotificationSinksResult = { ok: true; sinks: NotificationSinkConfig[] } | { ok: false; errors: string[] };

type Env = Readonly<Record<string, string | undefined>>;

const SINK_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const HTTP_URL = (v: string) => /^https?:\/\//.test(v) && URL.canParse(v);
// <bot id>:<secret>; nothing that could change the request path it is placed in.
const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{10,200}$/;


const common = {
  name: z.string(expected("must be a string")).regex(SINK_NAME, {
    error: "1–63 characters: lowercase letters, digits, '-' and '_', starting with a letter or digit",
  }),
  type: z.enum(SINK_TYPES, expected(`must be one of ${SINK_TYPES.join(", ")}`)),
  events: z
    .array(z.enum(NOTIFICATION_EVENT_TYPES, { error: `each must be one of ${NOTIFICATION_EVENT_TYPES.join(", ")}` }), { error: "must be an array of event types" })
    .min(1, { error: "must name at least one event type (leave it out for all of them)" })
    .default([...NOTIFICATION_EVENT_TYPES]),
};

const SCHEMAS = {
  slack: z.object({ ...common, urlEnv: envName }).strict(),
  discord: z.object({ ...common, urlEnv: envName }).strict(),
  telegram: z
    .object({
      ...common,
      botTokenEnv: envName,
      chatId: z
        .union([z.string(), z.number().int()], expected("must be a chat id (an integer) or @channelname"))
        .transform(String)
        .refine((v) => /^-?\d{1,20}$/.test(v) || /^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(v), { error: "must be a chat id (an integer) or @channelname" }),
      apiBaseUrl: z
        .string({ error: "must be an http:// or https:// URL" })
        .refine(HTTP_URL, { error: "must be an http:// or https:// URL" })
        .refine((v) => !URL.canParse(v) || (new URL(v).username === "" && new URL(v).password === ""), { error: "must not carry a user or password" })
        .optional(),
    })
    .strict(),
  webhook: z.object({ ...common, urlEnv: envName, secretEnv: envName }).strict(),
} as const;

/** What each variable a sink names must hold: checked at boot, so a bad value fails there and not at the first event. */
const VALUE_CHECKS: Record<string, (value: string) => string | undefined> = {
  urlEnv: (v) => (HTTP_URL(v) ? undefined : "does not hold an http:// or https:// URL"),
  botTokenEnv: (v) => (BOT_TOKEN.test(v) ? undefined : "does not hold a Telegram bot token (<bot id>:<token>)"),
  secretEnv: (v) => {
    const parsed = parseWebhookSecrets(v);
    return parsed.ok ? undefined : `does not hold a Standard Webhooks secret: ${parsed.error}`;
  },
};

/**
 * Parses the sinks JSON and checks each variable a sink names: set, and holding what it should.
 * Error lines say where (`[index] (name).field`) and why; they name variables, never a value.
 */
export function parseNotificationSinks(text: string, options: { env: Env }): NotificationSinksResult {
  const list = parseJsonArray(text, "sinks");
  if (!list.ok) return list;
  const errors: string[] = [];
  const sinks: NotificationSinkConfig[] = [];
  list.items.forEach((item: unknown, index) => {
    const raw = (typeof item === "object" && item !== null && !Array.isArray(item) ? item : undefined) as Record<string, unknown> | undefined;
    const name = typeof raw?.name === "string" && SINK_NAME.test(raw.name) ? raw.name : undefined;
    const where = `[${index}]${name ? ` (${name})` : ""}`;
    if (!raw) return void errors.push(`${where}: must be an object`);
    const schema = typeof raw.type === "string" && Object.hasOwn(SCHEMAS, raw.type) ? SCHEMAS[raw.type as SinkType] : z.object({ type: common.type });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".");
        const message = issue.code === "unrecognized_keys" ? "not a known field for this type (secrets go in environment variables named by urlEnv, botTokenEnv and secretEnv)" : issue.message;
        errors.push(`${where}${field ? `.${field}` : ""}: ${message}`);
      }
    }
    // Checked on the raw item too, so a missing variable is reported along with any other mistake.
    for (const [field, check] of Object.entries(VALUE_CHECKS)) {
      const variable = raw[field];
      if (typeof variable !== "string" || !ENV_NAME.test(variable)) continue;
      const value = options.env[variable];
      if (value === undefined || value === "") errors.push(`${where}.${field}: environment variable ${variable} is not set`);
      else {
        const problem = check(value);
        if (problem) errors.push(`${where}.${field}: environment variable ${variable} ${problem}`);
      }
    }
    if (!parsed.success) return;
    const sink = parsed.data as NotificationSinkConfig;
    if (sinks.some((s) => s.name === sink.name)) errors.push(`${where}.name: another sink already has this name`);
    sinks.push(sink);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sinks };
}

/** Reads NOTIFICATION_SINKS or NOTIFICATION_SINKS_FILE (setting both is an error); error lines start with the variable. */
export function loadNotificationSinks(input: { inline: string | undefined; file: string | undefined; env: Env }): NotificationSinksResult {
  const read = readListSource({ inline: input.inline, file: input.file, variable: "NOTIFICATION_SINKS" });
  if (read.kind === "none") return { ok: true, sinks: [] };
  if (read.kind === "error") return { ok: false, errors: read.errors };
  const parsed = parseNotificationSinks(read.text, { env: input.env });
  return parsed.ok ? parsed : { ok: false, errors: fromSource(read.source, parsed.errors) };
}
