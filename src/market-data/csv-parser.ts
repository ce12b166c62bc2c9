import { Dec } from "../domain/decimal.js";
import { MAX_INSTANT_MS } from "../lib/instant-range.js";
import { isAligned, type Timeframe } from "./timeframes.js";

/** One candle as read from a file: the values stay the exact decimal text that was written. */
export type Candle = {
  readonly openTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
};

/**
 * What the parser says about each data line. `invalid`: not a candle (columns, numbers, signs,
 * alignment). `inconsistent`: well-formed numbers whose high and low do not bound the open and close.
 * Both are skipped by the importer, never stored.
 */
export type CsvRow =
  | { readonly kind: "candle"; readonly line: number; readonly candle: Candle }
  | { readonly kind: "invalid"; readonly line: number; readonly reason: string }
  | { readonly kind: "inconsistent"; readonly line: number; readonly openTime: number; readonly reason: string };

/** The file as a whole cannot be read as candles (a header with other columns, for instance). */
export class CsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CsvFormatError";
  }
}

export const CSV_COLUMNS = ["timestamp", "open", "high", "low", "close", "volume"] as const;

const TIMESTAMP = /^\d{1,15}$/;
const UNSIGNED_DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SIGNED_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_PARTS = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
// PostgreSQL's numeric holds 131072 digits before the point and 16383 after; prices need far fewer.
const MAX_DIGITS = 1000;
// A line is longer than any candle well before this: refuse it rather than buffer a whole bad file.
const MAX_LINE = 1024;

/**
 * Reads `timestamp,open,high,low,close,volume` lines (timestamp: open time in ms since the epoch,
 * UTC) from a byte or text stream, one line at a time, without holding the file. A header line is
 * optional; when present it must name exactly these columns. Blank lines are skipped; line numbers
 * count every physical line, the header included, as an editor shows them.
 */
export async function* parseCandleCsv(source: AsyncIterable<Uint8Array | string>, timeframe: Timeframe): AsyncGenerator<CsvRow> {
  let lineNo = 0;
  let sawData = false;
  for await (const text of lines(source)) {
    lineNo += 1;
    const line = (lineNo === 1 ? text.replace(/^\uFEFF/, "") : text).trim();
    if (line === "") continue;
    // Only the first non-blank line may be a header: anything later that is not a number is a bad row.
    if (!sawData && !/^[+-]?[\d.]/.test(line)) {
      checkHeader(line, lineNo);
      sawData = true;
      continue;
    }
    sawData = true;
    yield parseLine(line, lineNo, timeframe);
  }
}

function checkHeader(line: string, lineNo: number) {
  const columns = line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1").toLowerCase());
  if (columns.length !== CSV_COLUMNS.length || columns.some((c, i) => c !== CSV_COLUMNS[i])) {
    throw new CsvFormatError(`line ${lineNo}: the header must be '${CSV_COLUMNS.join(",")}'`);
  }
}

export function parseLine(line: string, lineNo: number, timeframe: Timeframe): CsvRow {
  const invalid = (reason: string): CsvRow => ({ kind: "invalid", line: lineNo, reason });
  if (line.length > MAX_LINE) return invalid(`longer than ${MAX_LINE} characters`);
  const fields = line.split(",").map((f) => f.trim());
  if (fields.length !== CSV_COLUMNS.length) return invalid(`expected ${CSV_COLUMNS.length} columns, found ${fields.length}`);
  const [ts, open, high, low, close, volume] = fields as [string, string, string, string, string, string];
  if (!TIMESTAMP.test(ts)) return invalid("timestamp must be an integer number of milliseconds");
  const openTime = Number(ts);
  if (openTime > MAX_INSTANT_MS) return invalid("timestamp is after 9999-12-31T23:59:59.999Z");
  if (!isAligned(openTime, timeframe)) return invalid(`timestamp ${ts} is not aligned to ${timeframe}`);
  for (const [name, value] of [["open", open], ["high", high], ["low", low], ["close", close], ["volume", volume]] as const) {
    if (!SIGNED_DECIMAL.test(value)) return invalid(`${name} is not a number`);
    if (!storableMagnitude(value)) return invalid(`${name} is too large or too precise to store`);
    const positive = name !== "volume";
    if (!UNSIGNED_DECIMAL.test(value) || (positive && new Dec(value).lte(0))) {
      return invalid(positive ? `${name} must be above 0` : "volume must not be negative");
    }
  }
  const [o, h, l, c] = [open, high, low, close].map((v) => new Dec(v)) as [Dec, Dec, Dec, Dec];
  const inconsistent = (reason: string): CsvRow => ({ kind: "inconsistent", line: lineNo, openTime, reason });
  if (h.lt(Dec.max(o, c))) return inconsistent("high is below the open or the close");
  if (l.gt(Dec.min(o, c))) return inconsistent("low is above the open or the close");
  return { kind: "candle", line: lineNo, candle: { openTime, open, high, low, close, volume } };
}

/**
 * Whether PostgreSQL's numeric can hold the decimal as written. An exponent moves the point, so
 * `1e200000` or `1e-20000` (or `0e-20000`, whose scale still counts) overflow it and would fail the
 * whole batch: exponent, integer digits and digits after the point each stay within MAX_DIGITS.
 */
function storableMagnitude(value: string): boolean {
  const [, whole = "", fraction = "", exponent = "0"] = NUMBER_PARTS.exec(value) ?? [];
  const shift = Number(exponent);
  if (Math.abs(shift) > MAX_DIGITS) return false;
  const lead = (whole + fraction).search(/[1-9]/);
  const intDigits = lead === -1 ? 0 : whole.length + shift - lead;
  const scale = fraction.length - shift;
  return intDigits <= MAX_DIGITS && scale <= MAX_DIGITS;
}

/** Splits a stream into lines (LF or CRLF), decoding UTF-8 across chunk boundaries. */
async function* lines(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  for await (const chunk of source) {
    rest += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = rest.indexOf("\n"); nl !== -1; nl = rest.indexOf("\n", start)) {
      yield rest.slice(start, nl).replace(/\r$/, "");
      start = nl + 1;
    }
    rest = rest.slice(start);
    // A line that never ends is not a candle file: keep only its beginning so memory stays bounded.
    if (rest.length > MAX_LINE * 4) rest = rest.slice(0, MAX_LINE + 1);
  }
  rest += decoder.decode();
  if (rest !== "") yield rest.replace(/\r$/, "");
}
