import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { NOTIFICATION_EVENT_TYPES } from "../../src/notifications/events.js";
import { loadNotificationSinks, parseNotificationSinks } from "../../src/notifications/sinks-config.js";

const SLACK_URL = "https://hooks.slack.com/services/T000/B000/slack-secret-path-0123";
const BOT_TOKEN = "123456789:telegram-secret-token_ABCdef";
const WHSEC = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
const env = { SLACK_URL, DISCORD_URL: "https://discord.com/api/webhooks/1/discord-secret", BOT_TOKEN, HOOK_URL: "https://example.com/hooks", HOOK_SECRET: WHSEC };

const errorsOf = (sinks: unknown, e: Record<string, string | undefined> = env) => {
  const parsed = parseNotificationSinks(JSON.stringify(sinks), { env: e });
  if (parsed.ok) throw new Error("expected the sinks to be refused");
  return parsed.errors;
};

describe("parseNotificationSinks", () => {
  it("reads one sink of each type, every event type by default, a chat id as text", () => {
    const parsed = parseNotificationSinks(
      JSON.stringify([
        { name: "ops-slack", type: "slack", urlEnv: "SLACK_URL", events: ["fill", "risk.denied"] },
        { name: "ops-discord", type: "discord", urlEnv: "DISCORD_URL" },
        { name: "desk", type: "telegram", botTokenEnv: "BOT_TOKEN", chatId: -1001234567890, apiBaseUrl: "http://127.0.0.1:9999" },
        { name: "audit", type: "webhook", urlEnv: "HOOK_URL", secretEnv: "HOOK_SECRET", events: ["backtest.finished"] },
      ]),
      { env },
    );
    expect(parsed).toEqual({
      ok: true,
      sinks: [
        { name: "ops-slack", type: "slack", urlEnv: "SLACK_URL", events: ["fill", "risk.denied"] },
        { name: "ops-discord", type: "discord", urlEnv: "DISCORD_URL", events: [...NOTIFICATION_EVENT_TYPES] },
        { name: "desk", type: "telegram", botTokenEnv: "BOT_TOKEN", chatId: "-1001234567890", apiBaseUrl: "http://127.0.0.1:9999", events: [...NOTIFICATION_EVENT_TYPES] },
        { name: "audit", type: "webhook", urlEnv: "HOOK_URL", secretEnv: "HOOK_SECRET", events: ["backtest.finished"] },
      ],
    });
  });

  it("names the sink and the variable that is unset, along with other mistakes in the same sink", () => {
    expect(errorsOf([{ name: "ops", type: "webhook", urlEnv: "NOPE_URL", secretEnv: "HOOK_SECRET", events: ["fills"] }])).toEqual([
      expect.stringMatching(/^\[0\] \(ops\)\.events\.0: each must be one of fill, /),
      "[0] (ops).urlEnv: environment variable NOPE_URL is not set",
    ]);
  });

  it("refuses variables holding the wrong thing without repeating what they hold", () => {
    const bad = { SLACK_URL: "not a url at all secret-ish", BOT_TOKEN: "leaked-token-value", HOOK_URL: "ftp://x", HOOK_SECRET: "whsec_c2hvcnQ=" };
    const errors = errorsOf(
      [
        { name: "a", type: "slack", urlEnv: "SLACK_URL" },
        { name: "b", type: "telegram", botTokenEnv: "BOT_TOKEN", chatId: "@desk_channel" },
        { name: "c", type: "webhook", urlEnv: "HOOK_URL", secretEnv: "HOOK_SECRET" },
      ],
      bad,
    );
    expect(errors).toEqual([
      "[0] (a).urlEnv: environment variable SLACK_URL does not hold an http:// or https:// URL",
      "[1] (b).botTokenEnv: environment variable BOT_TOKEN does not hold a Telegram bot token (<bot id>:<token>)",
      "[2] (c).urlEnv: environment variable HOOK_URL does not hold an http:// or https:// URL",
      "[2] (c).secretEnv: environment variable HOOK_SECRET does not hold a Standard Webhooks secret: webhook secret #1 decodes to 5 bytes; expected 24 to 64",
    ]);
    for (const value of Object.values(bad)) expect(errors.join("\n")).not.toContain(value);
  });

  it("refuses a secret pasted where a variable name belongs, and unknown fields, without echoing them", () => {
    const errors = errorsOf([{ name: "x", type: "slack", urlEnv: SLACK_URL, url: SLACK_URL }]);
    expect(errors).toEqual([
      "[0] (x).urlEnv: must be the NAME of an environment variable (A–Z, 0–9, '_'), not its value",
      "[0] (x).url: not a known field for this type (secrets go in environment variables named by urlEnv, botTokenEnv and secretEnv)",
    ]);
    expect(errors.join("\n")).not.toContain("slack-secret-path");
  });

  it("refuses unknown types, duplicate names, empty filters and what is not an array of objects", () => {
    expect(errorsOf([{ name: "x", type: "email" }])).toEqual(["[0] (x).type: must be one of slack, discord, telegram, webhook"]);
    expect(errorsOf([{ name: "x", type: "toString" }])).toEqual(["[0] (x).type: must be one of slack, discord, telegram, webhook"]);
    expect(
      errorsOf([
        { name: "x", type: "slack", urlEnv: "SLACK_URL" },
        { name: "x", type: "discord", urlEnv: "DISCORD_URL", events: [] },
      ]),
    ).toEqual(["[1] (x).events: must name at least one event type (leave it out for all of them)"]);
    expect(
      errorsOf([
        { name: "x", type: "slack", urlEnv: "SLACK_URL" },
        { name: "x", type: "discord", urlEnv: "DISCORD_URL" },
      ]),
    ).toEqual(["[1] (x).name: another sink already has this name"]);
    expect(errorsOf({ name: "x" })).toEqual(["must be a JSON array of sinks"]);
    expect(errorsOf(["slack"])).toEqual(["[0]: must be an object"]);
    expect(parseNotificationSinks(`[{"name": "${SLACK_URL}"`, { env })).toEqual({ ok: false, errors: [expect.stringMatching(/^is not valid JSON/)] });
  });
});

describe("loadNotificationSinks and parseConfig", () => {
  const sinks = JSON.stringify([{ name: "ops", type: "slack", urlEnv: "SLACK_URL" }]);

  it("reads the file named by NOTIFICATION_SINKS_FILE, and refuses both variables at once", () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-sinks-"));
    try {
      const file = join(dir, "sinks.json");
      writeFileSync(file, sinks);
      expect(loadNotificationSinks({ inline: undefined, file, env })).toMatchObject({ ok: true, sinks: [{ name: "ops" }] });
      expect(loadNotificationSinks({ inline: sinks, file, env })).toEqual({ ok: false, errors: ["NOTIFICATION_SINKS: set NOTIFICATION_SINKS or NOTIFICATION_SINKS_FILE, not both"] });
      expect(loadNotificationSinks({ inline: undefined, file: join(dir, "missing.json"), env })).toEqual({
        ok: false,
        errors: [`NOTIFICATION_SINKS_FILE: cannot read ${join(dir, "missing.json")} (ENOENT)`],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is part of the configuration: parsed sinks on success, prefixed errors that stop the boot otherwise", () => {
    const ok = parseConfig({ NODE_ENV: "test", NOTIFICATION_SINKS: sinks, SLACK_URL });
    expect(ok.ok && ok.config.notificationSinks).toEqual([{ name: "ops", type: "slack", urlEnv: "SLACK_URL", events: [...NOTIFICATION_EVENT_TYPES] }]);
    expect(ok.ok && ok.config.NOTIFICATION_TIMEOUT_MS).toBe(5000);
    const missing = parseConfig({ NODE_ENV: "test", NOTIFICATION_SINKS: sinks });
    expect(missing).toEqual({ ok: false, errors: ["NOTIFICATION_SINKS[0] (ops).urlEnv: environment variable SLACK_URL is not set"] });
    expect(parseConfig({ NODE_ENV: "test" })).toMatchObject({ ok: true, config: { notificationSinks: [] } });
  });
});
