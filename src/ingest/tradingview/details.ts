import { CanonicalSignalSchema } from "../../domain/signal.js";
import type { FieldBag, Leaf } from "./fields.js";
import { leafText } from "./fields.js";
import { parseDecimal } from "./decimal.js";
import { refuse } from "./reasons.js";
import { exchangePrefix, normalizeSymbol } from "./symbols.js";
import { quoteText } from "./values.js";

/**
 * Symbol, exchange, alert id and the descriptive fields. The symbol is required; the descriptive
 * fields (time, confidence, comment, interval) are dropped with a note when malformed, since a bad
 * label is no reason to lose a trade signal.
 */

const SYMBOL_KEYS = ["ticker", "symbol", "tvinstrument", "tvsymbol", "instrument", "pair", "market"];
const EXCHANGE_KEYS = ["exchange", "tvexchange", "exchangename"];
const ALERT_ID_KEYS = ["alertid", "signalid", "id", "uuid", "idempotencykey"];
const TIME_KEYS = ["time", "timenow", "timestamp"];
const CONFIDENCE_KEYS = ["confidence"];
const COMMENT_KEYS = ["comment", "message", "reason", "text"];
const INTERVAL_KEYS = ["interval", "timeframe", "tf", "resolution"];
const MAX_COMMENT = 500;

export function resolveSymbol(bag: FieldBag, defaultSymbol: string | undefined, notes: string[]): { symbol: string; exchange?: string } {
  const leaf = bag.take(SYMBOL_KEYS);
  const text = leaf ? (leafText(leaf) ?? "").trim() : "";
  const exchange = resolveExchange(bag, notes) ?? (text ? exchangePrefix(text) : undefined);
  const withExchange = (symbol: string) => (exchange ? { symbol, exchange } : { symbol });
  if (!leaf || text === "") {
    if (defaultSymbol === undefined) {
      refuse("SYMBOL_MISSING", 'The alert names no symbol: add "ticker": "{{ticker}}" to the message, or configure a default symbol for this webhook.');
    }
    const symbol = normalizeSymbol(defaultSymbol);
    if (!symbol) refuse("SYMBOL_UNRECOGNIZED", `The configured default symbol ${quoteText(defaultSymbol)} is not a symbol we can map to a market.`);
    return withExchange(symbol);
  }
  const symbol = normalizeSymbol(text);
  if (!symbol) {
    refuse("SYMBOL_UNRECOGNIZED", `The symbol ${leaf.path} is ${quoteText(text)}, which we cannot map to a market: use a ticker like BTCUSDT, BINANCE:BTCUSDT, BTCUSDT.P or BTC/USDT.`);
  }
  return withExchange(symbol);
}

function resolveExchange(bag: FieldBag, notes: string[]): string | undefined {
  const leaf = bag.take(EXCHANGE_KEYS);
  const text = leaf ? (leafText(leaf) ?? "").trim() : "";
  if (leaf && (text === "" || text.length > 50)) notes.push(`ignored field ${leaf.path}: not an exchange name`);
  return leaf && text !== "" && text.length <= 50 ? text : undefined;
}

/** The sender's own alert id, 1–200 characters; undefined when absent or unusable. */
export function alertIdOf(leaves: readonly Leaf[]): string | undefined {
  for (const key of ALERT_ID_KEYS) {
    const leaf = leaves.find((l) => l.key === key);
    if (!leaf) continue;
    const text = (leafText(leaf) ?? "").trim();
    return text.length >= 1 && text.length <= 200 ? text : undefined;
  }
  return undefined;
}

export function takeAlertId(bag: FieldBag, notes: string[]): string | undefined {
  const leaf = bag.take(ALERT_ID_KEYS);
  if (!leaf) return undefined;
  const id = alertIdOf([leaf]);
  if (id === undefined) notes.push(`ignored field ${leaf.path}: an alert id must be 1 to 200 characters`);
  return id;
}

export type Descriptive = { sourceTime?: string; confidence?: number; comment?: string; interval?: string };

export function resolveDescriptive(bag: FieldBag, notes: string[]): Descriptive {
  const out: Descriptive = {};
  const time = bag.take(TIME_KEYS);
  if (time) {
    const iso = toIsoTime((leafText(time) ?? "").trim());
    if (iso) out.sourceTime = iso;
    else notes.push(`ignored field ${time.path}: ${quoteText(leafText(time))} is not an ISO 8601 time with a timezone or an epoch timestamp`);
  }
  const confidence = bag.take(CONFIDENCE_KEYS);
  if (confidence) {
    const parsed = parseDecimal(leafText(confidence) ?? "");
    const n = parsed && !parsed.negative ? Number(parsed.value) : Number.NaN;
    if (n >= 0 && n <= 1) out.confidence = n;
    else notes.push(`ignored field ${confidence.path}: ${quoteText(leafText(confidence))} is not a number from 0 to 1`);
  }
  const comment = bag.take(COMMENT_KEYS);
  const commentText = comment ? (leafText(comment) ?? "").trim() : "";
  if (comment && commentText !== "") {
    out.comment = commentText.slice(0, MAX_COMMENT);
    if (commentText.length > MAX_COMMENT) notes.push(`${comment.path} was cut to ${MAX_COMMENT} characters`);
  }
  const interval = bag.take(INTERVAL_KEYS);
  const intervalText = interval ? (leafText(interval) ?? "").trim() : "";
  if (interval && intervalText !== "" && intervalText.length <= 20) out.interval = intervalText;
  else if (interval) notes.push(`ignored field ${interval.path}: not an interval`);
  return out;
}

const sourceTimeSchema = CanonicalSignalSchema.shape.sourceTime;

/** ISO 8601 with a timezone as sent; epoch seconds or milliseconds converted (no clock is read). */
function toIsoTime(text: string): string | undefined {
  let ms: number | undefined;
  if (/^\d{9,11}(?:\.\d{1,6})?$/.test(text)) ms = Math.round(Number(text) * 1000);
  else if (/^\d{12,14}$/.test(text)) ms = Number(text);
  if (ms !== undefined) {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  if (!sourceTimeSchema.safeParse(text).success || Number.isNaN(Date.parse(text))) return undefined;
  return text;
}
