import type { CanonicalSignal } from "../../domain/signal.js";
import type { RefusalCode } from "./reasons.js";

export const ALERT_FORMATS = ["json", "json-array", "near-json", "form", "key-value", "command-text", "csv"] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

export type AlertOutcome =
  | { ok: true; signals: CanonicalSignal[]; notes: string[] }
  | { ok: false; code: RefusalCode; reason: string; detail: string };

export type AlertParseResult = {
  format: AlertFormat | "unknown";
  /** Values of credential fields found anywhere in the body, for the caller's passphrase check. Never stored. */
  credentials: string[];
  /** The raw body with every credential value replaced by "[redacted]" (same format otherwise), safe to store. */
  sanitizedBody: string;
  /** The sender's explicit alert id (alert_id, signal_id, id, uuid, idempotency_key), never the Pine order name. */
  alertId?: string;
  outcome: AlertOutcome;
};

export type ParseAlertInput = { body: string; contentType?: string; defaultSymbol?: string };
