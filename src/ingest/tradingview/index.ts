import type { CanonicalSignal } from "../../domain/signal.js";
import { MAX_COMMANDS } from "./command.js";
import { collectCredentials, redact, REDACTED, scanCredentials, uniqueValues } from "./credentials.js";
import { alertIdOf } from "./details.js";
import { flatten } from "./fields.js";
import { parseBody } from "./parse-body.js";
import { findPlaceholder, placeholderDetail } from "./placeholders.js";
import { codeForReason } from "./reasons.js";
import type { RefusalReason } from "./reasons.js";
import { commandToSignal } from "./to-canonical.js";
import type { AlertOutcome, AlertParseResult, ParseAlertInput } from "./types.js";

/**
 * TradingView webhook body → canonical signals or a refusal with a stable reason. Pure: no I/O,
 * no clock, no environment. It never throws, whatever the body: an exception here would be a 500
 * and TradingView would resend the same bad alert.
 */

export { normalizeSymbol } from "./symbols.js";
export { REFUSAL_CODES, REFUSAL_REASONS } from "./reasons.js";
export type { RefusalCode, RefusalReason } from "./reasons.js";
export { ALERT_FORMATS } from "./types.js";
export type { AlertFormat, AlertOutcome, AlertParseResult, ParseAlertInput } from "./types.js";

export function parseTradingViewAlert(input: ParseAlertInput): AlertParseResult {
  try {
    return parse(input);
  } catch {
    // Unreachable by design; if it happens, keep nothing of the body that could hold a secret.
    return { format: "unknown", credentials: [], sanitizedBody: REDACTED, outcome: refused("INTERNAL_ERROR", "The alert could not be processed.") };
  }
}

function parse(input: ParseAlertInput): AlertParseResult {
  const body = typeof input?.body === "string" ? input.body : "";
  if (body.trim() === "") {
    return { format: "unknown", credentials: [], sanitizedBody: body, outcome: refused("EMPTY_BODY", "The body is empty: put the alert message in TradingView's Message box.") };
  }
  const parsed = parseBody(body, typeof input.contentType === "string" ? input.contentType : undefined);
  const credentials = parsed.roots.length > 0 ? collectCredentials(parsed.roots, parsed.strictJson) : scanCredentials(body);
  const commands = parsed.result.ok ? parsed.result.commands : [];
  const only = commands.length === 1 ? commands[0]!.node : undefined;
  const alertId = only?.kind === "object" ? alertIdOf(flatten(only)) : undefined;
  const result = (outcome: AlertOutcome): AlertParseResult => ({
    format: parsed.format,
    credentials: uniqueValues(credentials.values),
    sanitizedBody: redact(body, credentials),
    ...(alertId === undefined ? {} : { alertId }),
    outcome,
  });

  const placeholder = findPlaceholder(body);
  if (placeholder) return result(refused("UNRENDERED_PLACEHOLDER", placeholderDetail(placeholder)));
  if (!parsed.result.ok) return result(refused(parsed.result.reason, parsed.result.detail));
  if (commands.length > MAX_COMMANDS) {
    return result(refused("TOO_MANY_COMMANDS", `The alert holds ${commands.length} commands; at most ${MAX_COMMANDS} are accepted in one delivery.`));
  }

  const defaultSymbol = typeof input.defaultSymbol === "string" ? input.defaultSymbol : undefined;
  const signals: CanonicalSignal[] = [];
  const notes: string[] = [];
  for (const [i, command] of commands.entries()) {
    const mapped = commandToSignal(command, defaultSymbol);
    const label = commands.length > 1 ? `command ${i + 1} of ${commands.length}` : undefined;
    if (!mapped.ok) {
      // All or nothing: half a batch executed is worse than none.
      const detail = label ? `${capitalize(label)} (nothing in this alert was accepted): ${mapped.detail}` : mapped.detail;
      return result(refused(mapped.reason, detail));
    }
    signals.push(mapped.signal);
    notes.push(...mapped.notes.map((note) => (label ? `${label}: ${note}` : note)));
  }
  return result({ ok: true, signals, notes });
}

function refused(reason: RefusalReason, detail: string): AlertOutcome {
  return { ok: false, code: codeForReason(reason), reason, detail };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A body with the values of secret-named fields replaced, for bodies that are not alerts (internal signals). */
export function redactSecrets(body: string): string {
  return redact(body, scanCredentials(body));
}
