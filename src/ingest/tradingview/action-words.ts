import type { Intent } from "../../domain/signal.js";
import type { Dialect } from "./command.js";

/**
 * The action vocabulary, case-insensitive. Side words come in two kinds because they combine
 * differently with "exit": `sell` + exit closes a long (sell is the order side), `long` + exit
 * closes a long (long is the position side).
 */
export type PositionSide = "long" | "short";
export type Verb = "open" | "close" | "reverse";
export type ActionWord =
  | { readonly kind: "intent"; readonly intent: Intent }
  | { readonly kind: "side"; readonly side: PositionSide; readonly orderSide: boolean }
  | { readonly kind: "verb"; readonly verb: Verb }
  | { readonly kind: "cancel" };

const intent = (i: Intent): ActionWord => ({ kind: "intent", intent: i });
const side = (s: PositionSide, orderSide: boolean): ActionWord => ({ kind: "side", side: s, orderSide });
const verb = (v: Verb): ActionWord => ({ kind: "verb", verb: v });

const WORDS = new Map<string, ActionWord>();
const add = (words: string[], word: ActionWord): void => words.forEach((w) => WORDS.set(w, word));

add(["enter_long", "open_long", "entry_long", "long_entry", "long_open", "go_long"], intent({ action: "open", side: "long" }));
add(["enter_short", "open_short", "entry_short", "short_entry", "short_open", "go_short"], intent({ action: "open", side: "short" }));
add(["exit_long", "close_long", "closelong", "long_exit", "long_close"], intent({ action: "close", side: "long" }));
add(["exit_short", "close_short", "closeshort", "short_exit", "short_close"], intent({ action: "close", side: "short" }));
add(["reverse_long", "reverse_to_long"], intent({ action: "reverse", side: "long" }));
add(["reverse_short", "reverse_to_short"], intent({ action: "reverse", side: "short" }));
add(["flat", "flatten", "close_all", "closeall", "exit_all", "close_position", "close_all_positions"], intent({ action: "close" }));
add(["cancel", "cancel_all", "cancelall", "cancel_orders", "cancellong", "cancelshort", "cancel_long", "cancel_short"], { kind: "cancel" });
add(["buy"], side("long", true));
add(["sell"], side("short", true));
add(["long"], side("long", false));
add(["short"], side("short", false));
add(["open", "enter", "entry"], verb("open"));
add(["close", "exit"], verb("close"));
add(["reverse"], verb("reverse"));

/** PineConnector's own aliases; outside it "bullish" is more likely an opinion than an order. */
const PINECONNECTOR_WORDS = new Map<string, ActionWord>([
  ["bull", side("long", true)],
  ["bullish", side("long", true)],
  ["bear", side("short", true)],
  ["bearish", side("short", true)],
]);

export function normalizeWord(raw: string): string {
  return raw.trim().toLowerCase().replace(/[\s\-.]+/g, "_");
}

export function classifyActionWord(raw: string, dialect: Dialect = "generic"): ActionWord | undefined {
  const w = normalizeWord(raw);
  return WORDS.get(w) ?? (dialect === "pineconnector" ? PINECONNECTOR_WORDS.get(w) : undefined);
}

/** The position side a side word means under a verb: an exit that sells closes a long. */
export function positionSide(word: ActionWord & { kind: "side" }, v: Verb): PositionSide {
  if (!word.orderSide || v !== "close") return word.side;
  return word.side === "long" ? "short" : "long";
}
