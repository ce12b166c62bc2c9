import type { ParsedCommand } from "./command.js";
import { looksLikeForm, parseForm } from "./form.js";
import { readJsonLike } from "./json-reader.js";
import type { Node } from "./nodes.js";
import { describeNode } from "./nodes.js";
import type { RefusalReason } from "./reasons.js";
import { parseText } from "./text-formats.js";
import type { AlertFormat } from "./types.js";

/**
 * Reads the body whatever the content type says: TradingView sends application/json only when the
 * message happens to be valid JSON, text/plain otherwise, and some senders mislabel both ways.
 * Order: strict JSON, then near-JSON for bodies that start like JSON, then form, then text formats.
 */

export type BodyParse = {
  readonly format: AlertFormat | "unknown";
  /** What was parsed, for credential collection even when the outcome is a refusal. */
  readonly roots: readonly Node[];
  readonly strictJson: boolean;
  readonly result:
    | { readonly ok: true; readonly commands: readonly ParsedCommand[] }
    | { readonly ok: false; readonly reason: RefusalReason; readonly detail: string };
};

const JSON_HINT = 'Send a JSON object such as {"ticker": "{{ticker}}", "action": "{{strategy.order.action}}"}';

export function parseBody(body: string, contentType?: string): BodyParse {
  const read = readJsonLike(body);
  if (read.ok && read.repairs.length === 0) return fromJson(read.value, "json");
  if (/^[\s\uFEFF]*[[{]/.test(body)) {
    if (read.ok) return fromJson(read.value, "near-json");
    return failed(
      read.tooDeep ? "NESTING_TOO_DEEP" : "UNPARSEABLE_BODY",
      `The body looks like JSON but could not be read: ${read.message}. ${JSON_HINT}, with every text value in double quotes.`,
    );
  }
  if (mediaType(contentType) === "application/x-www-form-urlencoded" || looksLikeForm(body)) {
    const form = parseForm(body);
    if (form) return { format: "form", roots: [form], strictJson: false, result: { ok: true, commands: [{ node: form, dialect: "generic" }] } };
  }
  const text = parseText(body);
  if (!text.ok) {
    return failed(
      "UNPARSEABLE_BODY",
      `The body is not JSON and not a text command we read (${text.detail}). ${JSON_HINT} or a command like "buy BTCUSDT 0.015".`,
    );
  }
  return { format: text.format, roots: text.commands.map((c) => c.node), strictJson: false, result: { ok: true, commands: text.commands } };
}

function fromJson(value: Node, kind: "json" | "near-json"): BodyParse {
  const strictJson = kind === "json";
  if (value.kind === "object") {
    return { format: kind, roots: [value], strictJson, result: { ok: true, commands: [{ node: value, dialect: "generic" }] } };
  }
  if (value.kind === "array") {
    const format = kind === "json" ? "json-array" : "near-json";
    if (value.items.length === 0) {
      return { format, roots: [value], strictJson, result: { ok: false, reason: "EMPTY_ARRAY", detail: "The body is an empty JSON array: there is no command in it." } };
    }
    return { format, roots: [value], strictJson, result: { ok: true, commands: value.items.map((node) => ({ node, dialect: "generic" as const })) } };
  }
  return {
    format: kind,
    roots: [value],
    strictJson,
    result: { ok: false, reason: "JSON_NOT_OBJECT", detail: `The body is JSON but ${describeNode(value)}, not an object. ${JSON_HINT}.` },
  };
}

function failed(reason: RefusalReason, detail: string): BodyParse {
  return { format: "unknown", roots: [], strictJson: false, result: { ok: false, reason, detail } };
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}
