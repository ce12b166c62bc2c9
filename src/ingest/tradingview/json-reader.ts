import type { Entry, Node, ObjectNode, ScalarNode, StringNode } from "./nodes.js";

/**
 * One reader for strict JSON and for the near-JSON people paste into TradingView: `//` and
 * `/* *\/` comments, single-quoted strings, unquoted keys, unquoted values (`"ticker": BTCUSDT`),
 * trailing commas. It never evaluates anything: `114679.56 * 0.99` stays the text it is. `repairs`
 * lists what strict JSON would have rejected; empty means the body was valid JSON.
 */

export const MAX_DEPTH = 32;

export type ReadResult =
  | { readonly ok: true; readonly value: Node; readonly repairs: readonly string[] }
  | { readonly ok: false; readonly tooDeep: boolean; readonly message: string };

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BARE_KEY = /[A-Za-z_$][\w$\-.]*/y;
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["'", "'"],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);

class ReadError extends Error {
  constructor(
    message: string,
    readonly tooDeep = false,
  ) {
    super(message);
  }
}

export function readJsonLike(text: string): ReadResult {
  const reader = new Reader(text);
  try {
    const value = reader.readDocument();
    return { ok: true, value, repairs: [...reader.repairs] };
  } catch (error) {
    if (error instanceof ReadError) return { ok: false, tooDeep: error.tooDeep, message: error.message };
    return { ok: false, tooDeep: false, message: "the body could not be read" };
  }
}

class Reader {
  pos = 0;
  readonly repairs = new Set<string>();

  constructor(private readonly text: string) {}

  readDocument(): Node {
    this.skipTrivia();
    const value = this.readValue(1);
    this.skipTrivia();
    if (this.pos < this.text.length) this.fail("unexpected text after the end of the value");
    return value;
  }

  private fail(message: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split("\n").length;
    const column = this.pos - before.lastIndexOf("\n");
    throw new ReadError(`${message} at line ${line}, column ${column}`);
  }

  private skipTrivia(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\uFEFF" || c === "\u00A0") {
        this.pos++;
      } else if (c === "/" && t[this.pos + 1] === "/") {
        this.repairs.add("comments");
        while (this.pos < t.length && t[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && t[this.pos + 1] === "*") {
        this.repairs.add("comments");
        const end = t.indexOf("*/", this.pos + 2);
        if (end < 0) this.fail("unterminated /* comment");
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  private readValue(depth: number): Node {
    if (depth > MAX_DEPTH) throw new ReadError(`nested deeper than ${MAX_DEPTH} levels`, true);
    const c = this.text[this.pos];
    if (c === undefined) this.fail("unexpected end of the body");
    if (c === "{") return this.readObject(depth);
    if (c === "[") return this.readArray(depth);
    if (c === '"' || c === "'") return this.readString();
    return this.readBare();
  }

  private readObject(depth: number): ObjectNode {
    const start = this.pos++;
    const entries: Entry[] = [];
    let afterComma = false;
    for (;;) {
      this.skipTrivia();
      const c = this.text[this.pos];
      if (c === "}") {
        if (afterComma) this.repairs.add("trailing commas");
        this.pos++;
        return { kind: "object", entries, span: { start, end: this.pos } };
      }
      if (c === undefined) this.fail("unterminated object");
      const key = this.readKey();
      this.skipTrivia();
      if (this.text[this.pos] !== ":") this.fail(`expected ':' after the key "${key}"`);
      this.pos++;
      this.skipTrivia();
      entries.push({ key, value: this.readValue(depth + 1) });
      this.skipTrivia();
      const next = this.text[this.pos];
      if (next === ",") {
        this.pos++;
        afterComma = true;
      } else if (next === "}") {
        afterComma = false;
      } else {
        this.fail("expected ',' or '}'");
      }
    }
  }

  private readArray(depth: number): Node {
    const start = this.pos++;
    const items: Node[] = [];
    let afterComma = false;
    for (;;) {
      this.skipTrivia();
      const c = this.text[this.pos];
      if (c === "]") {
        if (afterComma) this.repairs.add("trailing commas");
        this.pos++;
        return { kind: "array", items, span: { start, end: this.pos } };
      }
      if (c === undefined) this.fail("unterminated array");
      items.push(this.readValue(depth + 1));
      this.skipTrivia();
      const next = this.text[this.pos];
      if (next === ",") {
        this.pos++;
        afterComma = true;
      } else if (next === "]") {
        afterComma = false;
      } else {
        this.fail("expected ',' or ']'");
      }
    }
  }

  private readKey(): string {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.readString().value;
    BARE_KEY.lastIndex = this.pos;
    const m = BARE_KEY.exec(this.text);
    if (!m) this.fail("expected a key");
    this.repairs.add("unquoted keys");
    this.pos += m[0].length;
    return m[0];
  }

  private readString(): StringNode {
    const t = this.text;
    const quote = t[this.pos]!;
    if (quote === "'") this.repairs.add("single-quoted strings");
    const start = this.pos++;
    let value = "";
    let chunk = this.pos;
    for (;;) {
      const c = t[this.pos];
      if (c === undefined) this.fail("unterminated string");
      if (c === quote) {
        value += t.slice(chunk, this.pos);
        this.pos++;
        return { kind: "string", value, quoted: true, span: { start, end: this.pos } };
      }
      if (c === "\\") {
        value += t.slice(chunk, this.pos);
        value += this.readEscape();
        chunk = this.pos;
        continue;
      }
      if (c < " ") this.repairs.add("control characters in strings");
      this.pos++;
    }
  }

  private readEscape(): string {
    const t = this.text;
    const e = t[this.pos + 1];
    if (e === undefined) this.fail("unterminated string");
    if (e === "u") {
      const hex = t.slice(this.pos + 2, this.pos + 6);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        this.pos += 6;
        return String.fromCharCode(parseInt(hex, 16));
      }
    } else {
      const mapped = ESCAPES.get(e);
      if (mapped !== undefined) {
        if (e === "'") this.repairs.add("invalid escapes");
        this.pos += 2;
        return mapped;
      }
    }
    // Keep an unknown escape as written rather than guessing what was meant.
    this.repairs.add("invalid escapes");
    this.pos += 2;
    return `\\${e}`;
  }

  /** An unquoted token: a literal, a number, or (near-JSON) text up to the next delimiter. */
  private readBare(): ScalarNode {
    const t = this.text;
    const start = this.pos;
    let end = start;
    while (end < t.length) {
      const c = t[end]!;
      if (c === "," || c === "}" || c === "]" || c === "\n" || c === "\r") break;
      if (c === "/" && (t[end + 1] === "*" || (t[end + 1] === "/" && (end === start || /\s/.test(t[end - 1]!))))) break;
      end++;
    }
    const raw = t.slice(start, end).trimEnd();
    if (raw === "") this.fail("expected a value");
    // `BTCUSDT "action": "buy"` is a missing comma, not a value: refuse rather than swallow a field.
    const stray = raw.search(/["{[]/);
    if (stray >= 0) {
      this.pos = start + stray;
      this.fail(`unexpected '${raw[stray]}' in an unquoted value (is a comma missing?)`);
    }
    this.pos = start + raw.length;
    const span = { start, end: this.pos };
    if (raw === "true" || raw === "false") return { kind: "boolean", value: raw === "true", span };
    if (raw === "null") return { kind: "null", span };
    if (JSON_NUMBER.test(raw)) return { kind: "number", raw, span };
    this.repairs.add("unquoted values");
    return { kind: "string", value: raw, quoted: false, span };
  }
}
