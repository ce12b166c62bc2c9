import { createHmac, timingSafeEqual } from "node:crypto";
import { BinanceError } from "./binance-errors.js";

export const MAX_RECV_WINDOW = 60_000;
export const DEFAULT_RECV_WINDOW = 5_000;

export function hmacHex(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(payload).digest("hex");
}

/** Removes `signature=…` from a raw query string or body and returns it with the rest, untouched. */
function splitSignature(raw: string): { rest: string; signature: string | undefined } {
  if (raw === "") return { rest: "", signature: undefined };
  const parts = raw.split("&");
  const index = parts.findIndex((p) => p.startsWith("signature="));
  if (index < 0) return { rest: raw, signature: undefined };
  const signature = decodeURIComponent(parts[index]!.slice("signature=".length));
  parts.splice(index, 1);
  return { rest: parts.join("&"), signature };
}

/**
 * Binance signs `totalParams`: the raw query string concatenated with the raw body (no separator),
 * without the signature parameter itself. The bytes are hashed as sent, never re-encoded.
 */
export function verifySignature(rawQuery: string, rawBody: string, secret: string): void {
  const query = splitSignature(rawQuery);
  const body = splitSignature(rawBody);
  const signature = query.signature ?? body.signature;
  if (signature === undefined) {
    throw new BinanceError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  }
  const expected = Buffer.from(hmacHex(query.rest + body.rest, secret), "utf8");
  const given = Buffer.from(signature.toLowerCase(), "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BinanceError(-1022, "Signature for this request is not valid.");
  }
}

/** The rule from Binance's "Timing security": accept when timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow. */
export function checkTimestamp(params: URLSearchParams, serverTime: number): void {
  const rawTimestamp = params.get("timestamp");
  const timestamp = rawTimestamp === null ? Number.NaN : Number(rawTimestamp);
  if (!Number.isInteger(timestamp)) {
    throw new BinanceError(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  }
  const rawWindow = params.get("recvWindow");
  const recvWindow = rawWindow === null ? DEFAULT_RECV_WINDOW : Number(rawWindow);
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > MAX_RECV_WINDOW) {
    throw new BinanceError(-1131, "recvWindow must be less than 60000");
  }
  if (timestamp >= serverTime + 1000) {
    throw new BinanceError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  }
  if (serverTime - timestamp > recvWindow) {
    throw new BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.");
  }
}
