import { stringNode } from "./nodes.js";
import type { Entry, ObjectNode } from "./nodes.js";

/** application/x-www-form-urlencoded bodies: `action=buy&ticker=BTCUSDT`. */

const PAIR = /^[^=&\s]+=[^&]*$/;

/** A body "clearly is" a form when it is one line of key=value pairs joined by `&`, no spaces. */
export function looksLikeForm(body: string): boolean {
  const trimmed = body.trim();
  if (!trimmed.includes("&") || /\s/.test(trimmed)) return false;
  return trimmed.split("&").every((piece) => piece === "" || PAIR.test(piece));
}

/** undefined when a non-empty piece has no `=` (then the body is not really a form). */
export function parseForm(body: string): ObjectNode | undefined {
  const entries: Entry[] = [];
  let from = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== "&") continue;
    const piece = body.slice(from, i);
    const lead = piece.length - piece.trimStart().length;
    const trimmed = piece.trim();
    if (trimmed !== "") {
      const eq = trimmed.indexOf("=");
      if (eq <= 0) return undefined;
      const start = from + lead + eq + 1;
      const end = from + lead + trimmed.length;
      entries.push({ key: decode(trimmed.slice(0, eq)), value: stringNode(decode(body.slice(start, end)), start, end) });
    }
    from = i + 1;
  }
  return entries.length === 0 ? undefined : { kind: "object", entries, span: { start: 0, end: body.length } };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text; // a stray % is kept as written rather than failing the whole body
  }
}
