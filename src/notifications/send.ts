import { isRetryableStatus, parseRetryAfter, type SendOutcome } from "./retry-policy.js";
import type { SinkRequest } from "./sink-requests.js";

export type Fetch = typeof fetch;

// What a network failure is called in last_error: a closed vocabulary, since a driver's own message
// may quote the address, and the address is the secret for an incoming webhook.
const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "connection closed by the receiver",
  UND_ERR_HEADERS_TIMEOUT: "no answer in time",
};

const EXCERPT_BYTES = 1024;
const EXCERPT_CHARS = 200;

/**
 * POSTs one request with a timeout, never following redirects, and classifies the answer: 2xx
 * delivered; 408, 425, 429 and 5xx (with the receiver's Retry-After, or Telegram's retry_after) and
 * network failures retryable; anything else permanent. The error text holds the status and at most
 * 200 characters of the answer, with every secret of the request replaced by ***. `stop` aborts the
 * request when the gateway shuts down. Never throws.
 */
export async function sendToSink(
  request: SinkRequest,
  options: { timeoutMs: number; stop: AbortSignal; now: () => Date; fetch?: Fetch | undefined },
): Promise<SendOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([timeout, options.stop]);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(request.url, { method: "POST", headers: request.headers, body: request.body, signal, redirect: "manual" });
  } catch (err) {
    return { kind: "retryable", statusCode: null, error: networkError(err, { timeout, stop: options.stop, timeoutMs: options.timeoutMs }) };
  }
  const status = response.status;
  // Redacted before it is clipped, so no part of a secret the receiver echoed survives the cut.
  const excerpt = clip(redact(await readExcerpt(response), request.secrets));
  if (status >= 200 && status < 300) return { kind: "delivered", statusCode: status };
  if (status >= 300 && status < 400) return { kind: "permanent", statusCode: status, error: `HTTP ${status}: redirects are not followed` };
  const error = `HTTP ${status}${excerpt ? `: ${excerpt}` : ""}`;
  if (!isRetryableStatus(status)) return { kind: "permanent", statusCode: status, error };
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), options.now()) ?? telegramRetryAfter(excerpt, options.now());
  return { kind: "retryable", statusCode: status, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function networkError(err: unknown, ctx: { timeout: AbortSignal; stop: AbortSignal; timeoutMs: number }): string {
  if (ctx.stop.aborted) return "interrupted: the gateway stopped";
  if (ctx.timeout.aborted) return `timed out after ${ctx.timeoutMs} ms`;
  const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (typeof code !== "string") return "network error";
  return NETWORK_ERRORS[code] ?? (/^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? `network error (${code})` : "network error");
}

/** The first kilobyte of the answer's body, as one line of printable text; the rest is discarded unread. */
async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut off or timed out: what arrived is enough.
  } finally {
    await reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8");
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
}

const clip = (line: string) => (line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line);

/** Replaces every secret (and its URL-encoded form) with ***. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join("***");
  }
  return out;
}

/** Telegram answers a 429 with `{"parameters":{"retry_after":<seconds>}}`. */
function telegramRetryAfter(excerpt: string, now: Date): number | undefined {
  const seconds = /"retry_after"\s*:\s*(\d+)/.exec(excerpt)?.[1];
  return seconds === undefined ? undefined : parseRetryAfter(seconds, now);
}
