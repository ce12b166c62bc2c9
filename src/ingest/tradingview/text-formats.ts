import { classifyActionWord } from "./action-words.js";
import type { Dialect, ParsedCommand } from "./command.js";
import { parseDecimal } from "./decimal.js";
import { stringNode } from "./nodes.js";
import type { Entry, ObjectNode } from "./nodes.js";
import { normalizeSymbol } from "./symbols.js";
import { keyValueSegment, lineSegments, segmentText, splitSegment, tokenSegments } from "./text-segments.js";
import type { Segment } from "./text-segments.js";

/**
 * Plain-text alert messages: OctoBot `KEY=VALUE` lines (or `;`/`,`-separated pairs), Frostybot
 * commands (`ftx:short symbol=BTC-PERP size=2000`, one per line), simple `buy BTCUSDT 0.015`,
 * PineConnector CSV (`LicenseID,command,symbol,key=value…`) and `|`/`,`-separated fields. Every
 * piece becomes an entry of an object node, so the JSON field mapping applies to text too.
 */

export type TextParse =
  | { readonly ok: true; readonly format: "key-value" | "command-text" | "csv"; readonly commands: ParsedCommand[] }
  | { readonly ok: false; readonly detail: string };

class TextError extends Error {}

const STUB_COMMAND = /^([A-Za-z0-9_-]{1,40}):(\S+)$/;
const LICENSE_ID = /^\d{6,20}$/;
const MULTIPLE = /^\d+(?:\.\d+)?x$/i;

export function parseText(body: string): TextParse {
  try {
    return readText(body);
  } catch (error) {
    if (error instanceof TextError) return { ok: false, detail: error.message };
    throw error;
  }
}

function readText(body: string): TextParse {
  const lines = lineSegments(body);
  if (lines.length === 0) return { ok: false, detail: "the body is empty" };
  if (lines.length === 1) {
    const { format, command } = readLine(body, lines[0]!);
    return { ok: true, format, commands: [command] };
  }
  // OctoBot: every line (or `;` piece of a line) is KEY=VALUE, together one command.
  const pieces = lines.flatMap((line) => splitSegment(body, line, ";"));
  const pairs = pieces.map((piece) => keyValueSegment(body, piece));
  if (pairs.every((p) => p !== undefined)) {
    return { ok: true, format: "key-value", commands: [command(pairsToEntries(pairs), lines, "generic")] };
  }
  // Frostybot and friends: one command per line.
  const commands = lines.map((line, i) => {
    try {
      return readLine(body, line).command;
    } catch (error) {
      if (error instanceof TextError) throw new TextError(`line ${i + 1}: ${error.message}`);
      throw error;
    }
  });
  return { ok: true, format: "command-text", commands };
}

function readLine(body: string, line: Segment): { format: "key-value" | "command-text" | "csv"; command: ParsedCommand } {
  const text = segmentText(body, line);
  for (const separator of [";", "|", ","]) {
    if (!text.includes(separator)) continue;
    const parts = splitSegment(body, line, separator);
    const pairs = parts.map((part) => keyValueSegment(body, part));
    if (pairs.every((p) => p !== undefined)) return { format: "key-value", command: command(pairsToEntries(pairs), [line], "generic") };
    if (separator === "," && LICENSE_ID.test(segmentText(body, parts[0]!))) {
      return { format: "csv", command: command(pineConnector(body, parts), [line], "pineconnector") };
    }
    return { format: "csv", command: command(positional(body, parts, false), [line], "generic") };
  }
  const tokens = tokenSegments(body, line);
  const pairs = tokens.map((token) => keyValueSegment(body, token));
  if (pairs.every((p) => p !== undefined)) return { format: "key-value", command: command(pairsToEntries(pairs), [line], "generic") };
  return { format: "command-text", command: command(positional(body, tokens, true), [line], "frostybot") };
}

/** Fields recognised by their content: an action word, a symbol, a number (the quantity), key=value. */
function positional(body: string, parts: readonly Segment[], allowStub: boolean): Entry[] {
  const entries: Entry[] = [];
  let actionWords = 0;
  let symbol = false;
  const push = (key: string, seg: Segment, value = segmentText(body, seg)): void => {
    entries.push({ key, value: stringNode(value, seg.start, seg.end) });
  };
  const pushAction = (seg: Segment, value: string): void => {
    // A second action word refines the first ("long entry", "close long"); a third is noise.
    if (actionWords >= 2) throw new TextError(`too many action words ("${value}")`);
    push(actionWords === 0 ? "action" : "direction", seg, value);
    actionWords++;
  };
  parts.forEach((part, i) => {
    const text = segmentText(body, part);
    const stub = allowStub && i === 0 ? STUB_COMMAND.exec(text) : null;
    if (stub && classifyActionWord(stub[2]!) !== undefined) {
      push("stub", { start: part.start, end: part.start + stub[1]!.length });
      pushAction({ start: part.start + stub[1]!.length + 1, end: part.end }, stub[2]!);
      return;
    }
    const pair = keyValueSegment(body, part);
    if (pair) {
      entries.push({ key: pair.key, value: pair.value });
    } else if (classifyActionWord(text) !== undefined) {
      pushAction(part, text);
    } else if (parseDecimal(text.replace(/%$/, "")) !== undefined || MULTIPLE.test(text)) {
      push("quantity", part);
    } else if (!symbol && normalizeSymbol(text) !== undefined) {
      push("symbol", part);
      symbol = true;
    } else {
      throw new TextError(`could not understand "${clip(text)}"`);
    }
  });
  return entries;
}

/** PineConnector's fixed order: LicenseID,command,symbol,key=value… (the license id is a credential). */
function pineConnector(body: string, parts: readonly Segment[]): Entry[] {
  const [license, action, ...rest] = parts;
  if (!license || !action) throw new TextError("a PineConnector message needs LicenseID,command,symbol");
  const entries: Entry[] = [
    { key: "license_id", value: stringNode(segmentText(body, license), license.start, license.end) },
    { key: "action", value: stringNode(segmentText(body, action), action.start, action.end) },
  ];
  rest.forEach((part, i) => {
    const pair = keyValueSegment(body, part);
    if (pair) entries.push({ key: pair.key, value: pair.value });
    else if (i === 0) entries.push({ key: "symbol", value: stringNode(segmentText(body, part), part.start, part.end) });
    else throw new TextError(`PineConnector field ${i + 3} "${clip(segmentText(body, part))}" is not key=value`);
  });
  return entries;
}

function pairsToEntries(pairs: readonly ({ key: string; value: Entry["value"] } | undefined)[]): Entry[] {
  return pairs.flatMap((p) => (p ? [{ key: p.key, value: p.value }] : []));
}

function command(entries: Entry[], lines: readonly Segment[], dialect: Dialect): ParsedCommand {
  const node: ObjectNode = { kind: "object", entries, span: { start: lines[0]!.start, end: lines[lines.length - 1]!.end } };
  return { node, dialect };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
