import type { Node, Span } from "./nodes.js";

/**
 * Credentials senders put in alert bodies (passphrase, secret, token, Tickerly's pointer, 3Commas'
 * bot_uuid, PineConnector's license id). Their values are handed to the caller once and replaced
 * by "[redacted]" in the body we keep.
 */

export const REDACTED = "[redacted]";

const EXACT = new Set([
  "passphrase", "secret", "key", "token", "apikey", "apisecret", "secretkey", "accesskey", "privatekey", "password",
  "passwd", "pwd", "pass", "pointer", "botuuid", "licenseid", "license", "accesstoken", "authtoken", "auth",
  "authorization", "signature", "clientsecret", "bearer",
]);
const SUFFIXES = ["secret", "token", "password", "passphrase", "apikey", "privatekey"];

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

export function isCredentialKey(key: string): boolean {
  const k = normalizeKey(key);
  return EXACT.has(k) || SUFFIXES.some((s) => k.endsWith(s));
}

export type Redaction = Span & { readonly replacement: string };
export type Credentials = { values: string[]; redactions: Redaction[] };

/** Walks the parsed body; `strictJson` keeps the redacted body valid JSON by quoting replaced numbers. */
export function collectCredentials(roots: readonly Node[], strictJson: boolean): Credentials {
  const found: Credentials = { values: [], redactions: [] };
  const walk = (node: Node, secret: boolean): void => {
    if (node.kind === "object") {
      for (const entry of node.entries) walk(entry.value, secret || isCredentialKey(entry.key));
    } else if (node.kind === "array") {
      for (const item of node.items) walk(item, secret);
    } else if (secret && (node.kind === "string" || node.kind === "number")) {
      // Booleans and nulls carry no secret; redacting every "true" in the body would only mangle it.
      const value = node.kind === "string" ? node.value : node.raw;
      if (value === "") return;
      found.values.push(value);
      const { start, end } = node.span;
      if (node.kind === "string" && node.quoted) found.redactions.push({ start: start + 1, end: end - 1, replacement: REDACTED });
      else found.redactions.push({ start, end, replacement: strictJson ? `"${REDACTED}"` : REDACTED });
    }
  };
  for (const root of roots) walk(root, false);
  return found;
}

const KEY_VALUE = /(["']?)([A-Za-z_][\w-]{0,63})\1\s*[:=]\s*(?:"((?:[^"\\\n]|\\.){0,1000})"|'([^'\n]{0,1000})'|([^\s,;&"'{}[\]]{1,1000}))/dg;

/** For bodies we could not parse: finds `key: value` / `key=value` pairs by pattern. */
export function scanCredentials(body: string): Credentials {
  const found: Credentials = { values: [], redactions: [] };
  for (const m of body.matchAll(KEY_VALUE)) {
    if (!isCredentialKey(m[2]!)) continue;
    const group = m[3] !== undefined ? 3 : m[4] !== undefined ? 4 : 5;
    const value = m[group]!;
    const at = m.indices?.[group];
    if (value === "" || !at) continue;
    found.values.push(value);
    found.redactions.push({ start: at[0], end: at[1], replacement: REDACTED });
  }
  return found;
}

/** Replaces each credential span, then any other verbatim copy of a credential of 4+ characters. */
export function redact(body: string, credentials: Credentials): string {
  const spans = [...credentials.redactions].sort((a, b) => b.start - a.start);
  let out = body;
  let floor = Number.POSITIVE_INFINITY;
  for (const span of spans) {
    if (span.end > floor) continue; // overlapping spans: the outer one already covered it
    out = out.slice(0, span.start) + span.replacement + out.slice(span.end);
    floor = span.start;
  }
  const copies = [...new Set(credentials.values)].filter((v) => v.length >= 4 && v !== REDACTED);
  for (const value of copies.sort((a, b) => b.length - a.length)) out = out.split(value).join(REDACTED);
  return out;
}

export function uniqueValues(values: readonly string[]): string[] {
  return [...new Set(values)];
}
