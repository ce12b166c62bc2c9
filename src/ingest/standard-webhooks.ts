import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Standard Webhooks (https://www.standardwebhooks.com/) symmetric signatures: HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${raw body}`, sent as space-separated `v1,<base64>` entries.
 */

export type WebhookSecret = { key: Buffer };

export type VerifyFailure =
  | "MISSING_HEADERS"
  | "INVALID_TIMESTAMP"
  | "TIMESTAMP_OUT_OF_TOLERANCE"
  | "NO_MATCHING_SIGNATURE";

export type VerifyResult = { ok: true; id: string; timestamp: Date } | { ok: false; failure: VerifyFailure };

export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
export const MAX_ID_LENGTH = 256;
export const MAX_SIGNATURE_HEADER_LENGTH = 4096;
export const MAX_SIGNATURE_ENTRIES = 16;

const SECRET_PREFIX = "whsec_";
// The spec asks for 24–64 random bytes; a shorter key is a configuration mistake, not a secret.
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const HMAC_BYTES = 32;
// Ten digits today; twelve leaves room for the far future while keeping the value a safe integer.
const TIMESTAMP = /^\d{1,12}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Node's base64 decoder accepts both alphabets; secrets made by lib/secrets.ts are base64url.
const BASE64_ANY = /^[A-Za-z0-9+/_-]+={0,2}$/;

type ParsedSecrets = { ok: true; secrets: WebhookSecret[] } | { ok: false; error: string };

/**
 * Parses a comma- or whitespace-separated list of secrets (`whsec_<base64>` or bare base64).
 * Several secrets allow rotation. Errors name the entry by position only, never by content.
 */
export function parseWebhookSecrets(raw: string): ParsedSecrets {
  const entries = typeof raw === "string" ? raw.split(/[\s,]+/).filter((e) => e.length > 0) : [];
  if (entries.length === 0) return { ok: false, error: "no webhook secrets configured" };
  const secrets: WebhookSecret[] = [];
  for (const [i, entry] of entries.entries()) {
    const n = i + 1;
    const hasPrefix = entry.startsWith(SECRET_PREFIX);
    // whsk_/whpk_ are the spec's asymmetric (ed25519) keys, which this verifier does not support.
    if (!hasPrefix && /^wh[a-z]*_/.test(entry)) {
      return { ok: false, error: `webhook secret #${n} has an unsupported prefix (expected whsec_)` };
    }
    const encoded = hasPrefix ? entry.slice(SECRET_PREFIX.length) : entry;
    const key = decodeCanonicalBase64(encoded);
    if (!key) return { ok: false, error: `webhook secret #${n} is not valid base64` };
    if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
      return {
        ok: false,
        error: `webhook secret #${n} decodes to ${key.length} bytes; expected ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES}`,
      };
    }
    secrets.push({ key });
  }
  return { ok: true, secrets };
}

/** Strict decode: the input must round-trip, so typos and stray characters are refused. */
function decodeCanonicalBase64(value: string): Buffer | undefined {
  if (!BASE64_ANY.test(value)) return undefined;
  const bytes = Buffer.from(value, "base64");
  const normalize = (s: string) => s.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  return bytes.length > 0 && normalize(bytes.toString("base64")) === normalize(value) ? bytes : undefined;
}

function hmac(key: Buffer, id: string, timestamp: string, body: string): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`, "utf8").digest();
}

/** Produces one `v1,<base64>` signature entry (tests, the benchmark and documentation examples). */
export function signStandardWebhook(input: {
  id: string;
  timestamp: number;
  body: string;
  secret: WebhookSecret;
}): string {
  return `v1,${hmac(input.secret.key, input.id, String(input.timestamp), input.body).toString("base64")}`;
}

/**
 * Verifies a delivery. Cheap checks run first so hostile input costs little: headers must be
 * present and small, the timestamp an integer within tolerance of `now` (either direction), and
 * only then are HMACs computed. Valid when any `v1` signature matches any secret. Never throws.
 *
 * Failures: absent/empty/oversized id, or absent/empty timestamp or signature → MISSING_HEADERS;
 * timestamp not an integer → INVALID_TIMESTAMP; oversized signature header, too many entries, or
 * no matching entry → NO_MATCHING_SIGNATURE.
 */
export function verifyStandardWebhook(input: {
  id?: string;
  timestamp?: string;
  signature?: string;
  body: string;
  secrets: WebhookSecret[];
  now: Date;
  toleranceSeconds?: number;
}): VerifyResult {
  const { id, timestamp, signature, body, secrets, now } = input;
  if (!isFilled(id) || id.length > MAX_ID_LENGTH || !isFilled(timestamp) || !isFilled(signature)) {
    return fail("MISSING_HEADERS");
  }
  if (!TIMESTAMP.test(timestamp)) return fail("INVALID_TIMESTAMP");

  const tolerance = input.toleranceSeconds;
  const toleranceMs =
    (typeof tolerance === "number" && Number.isFinite(tolerance) && tolerance >= 0
      ? tolerance
      : DEFAULT_TOLERANCE_SECONDS) * 1000;
  const sentAtMs = Number(timestamp) * 1000;
  const nowMs = now instanceof Date ? now.getTime() : Number.NaN;
  // An invalid clock must refuse, not accept: NaN comparisons are always false.
  if (!Number.isFinite(nowMs) || !(Math.abs(nowMs - sentAtMs) <= toleranceMs)) {
    return fail("TIMESTAMP_OUT_OF_TOLERANCE");
  }

  if (signature.length > MAX_SIGNATURE_HEADER_LENGTH || typeof body !== "string" || !Array.isArray(secrets)) {
    return fail("NO_MATCHING_SIGNATURE");
  }
  const entries = signature.split(" ").filter((e) => e.length > 0);
  if (entries.length > MAX_SIGNATURE_ENTRIES) return fail("NO_MATCHING_SIGNATURE");

  const candidates: Buffer[] = [];
  for (const entry of entries) {
    // Only symmetric v1 entries; v1a (ed25519) and unknown versions are skipped, as the spec allows.
    if (!entry.startsWith("v1,")) continue;
    const encoded = entry.slice(3);
    if (!BASE64.test(encoded)) continue;
    const decoded = Buffer.from(encoded, "base64");
    // The length of an HMAC-SHA256 is public, so filtering on it leaks nothing.
    if (decoded.length === HMAC_BYTES) candidates.push(decoded);
  }
  if (candidates.length === 0) return fail("NO_MATCHING_SIGNATURE");

  // Every candidate is compared against every secret's digest with no early exit, so the time
  // taken depends only on how many entries and secrets there are, never on which one matched.
  let matched = false;
  for (const secret of secrets) {
    if (!secret || !Buffer.isBuffer(secret.key) || secret.key.length === 0) continue;
    const expected = hmac(secret.key, id, timestamp, body);
    for (const candidate of candidates) {
      matched = timingSafeEqual(expected, candidate) || matched;
    }
  }
  if (!matched) return fail("NO_MATCHING_SIGNATURE");
  return { ok: true, id, timestamp: new Date(sentAtMs) };
}

function isFilled(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function fail(failure: VerifyFailure): VerifyResult {
  return { ok: false, failure };
}
