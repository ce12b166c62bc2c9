import { stringNode } from "./nodes.js";
import type { StringNode } from "./nodes.js";

/** A slice of the body by offsets, so every value parsed from text keeps its place for redaction. */
export type Segment = { readonly start: number; readonly end: number };

export function segmentText(body: string, seg: Segment): string {
  return body.slice(seg.start, seg.end);
}

export function trimSegment(body: string, seg: Segment): Segment {
  let { start, end } = seg;
  while (start < end && /\s/.test(body[start]!)) start++;
  while (end > start && /\s/.test(body[end - 1]!)) end--;
  return { start, end };
}

/** Splits on a separator character; pieces are trimmed and empty ones dropped. */
export function splitSegment(body: string, seg: Segment, separator: string): Segment[] {
  const out: Segment[] = [];
  let from = seg.start;
  for (let i = seg.start; i <= seg.end; i++) {
    if (i === seg.end || body[i] === separator) {
      const piece = trimSegment(body, { start: from, end: i });
      if (piece.end > piece.start) out.push(piece);
      from = i + 1;
    }
  }
  return out;
}

export function lineSegments(body: string): Segment[] {
  return splitSegment(body, { start: 0, end: body.length }, "\n");
}

/** Whitespace-separated tokens; a quoted run (comment="two words") stays in one token. */
export function tokenSegments(body: string, seg: Segment): Segment[] {
  const out: Segment[] = [];
  let i = seg.start;
  while (i < seg.end) {
    while (i < seg.end && /\s/.test(body[i]!)) i++;
    if (i >= seg.end) break;
    const start = i;
    let quote: string | undefined;
    while (i < seg.end && (quote !== undefined || !/\s/.test(body[i]!))) {
      const c = body[i]!;
      if (quote !== undefined && c === quote) quote = undefined;
      else if (quote === undefined && (c === '"' || c === "'")) quote = c;
      i++;
    }
    out.push({ start, end: i });
  }
  return out;
}

const KEY_VALUE = /^([A-Za-z_][\w.\-]*(?: [\w.\-]+){0,3})\s*=/;

/** `KEY=VALUE` (quotes around the value are dropped); undefined when the piece is not one. */
export function keyValueSegment(body: string, seg: Segment): { key: string; value: StringNode } | undefined {
  const text = segmentText(body, seg);
  const m = KEY_VALUE.exec(text);
  if (!m || m[1]!.length > 64) return undefined;
  const value = trimSegment(body, { start: seg.start + m[0].length, end: seg.end });
  const raw = segmentText(body, value);
  const q = raw[0];
  const quoted = raw.length >= 2 && (q === '"' || q === "'") && raw[raw.length - 1] === q;
  return { key: m[1]!, value: stringNode(quoted ? raw.slice(1, -1) : raw, value.start, value.end, quoted) };
}
