import type { Intent } from "../../domain/signal.js";
import { classifyActionWord, normalizeWord, positionSide } from "./action-words.js";
import type { ActionWord, Verb } from "./action-words.js";
import type { Dialect } from "./command.js";
import { distinctDecimals, isZeroDecimal, parseDecimal } from "./decimal.js";
import type { FieldBag, Leaf } from "./fields.js";
import { leafText } from "./fields.js";
import { refuse } from "./reasons.js";
import { quoteText } from "./values.js";

/**
 * Action words give open/close/reverse; position fields (sentiment, market_position,
 * position_size) give a target and win, because TradingView's {{strategy.order.action}} is buy or
 * sell for exits too. Only the first action field present may hold an unknown word (then it is
 * refused); a later one with an unknown word is just reported as ignored.
 */

const ACTION_KEYS = ["action", "side", "direction", "signal", "command", "cmd", "orderaction", "strategyorderaction", "orderside", "type"];
const REFINE_KEYS = ["message", "comment", "alertmessage", "strategyorderalertmessage"];
const POSITION_KEYS = ["sentiment", "marketposition", "strategymarketposition", "position"];
const SIGNED_SIZE_KEYS = ["positionsize", "strategypositionsize"];
const ABSOLUTE_SIZE_KEYS = ["marketpositionsize", "strategymarketpositionsize"];
const PREVIOUS_KEYS = ["prevmarketposition", "strategyprevmarketposition", "prevposition"];
const PREVIOUS_SIZE_KEYS = ["prevmarketpositionsize", "strategyprevmarketpositionsize", "prevpositionsize"];
const TARGET_SIDES = new Set(["long", "short", "flat"]);

type TargetSide = "long" | "short" | "flat";
type Found = { leaf: Leaf; word: ActionWord };
export type PreviousPosition = { side: TargetSide; size?: string };

export function resolveIntent(bag: FieldBag, dialect: Dialect, notes: string[]): { intent: Intent; previousPosition?: PreviousPosition } {
  const fromWords = intentFromWords(bag, dialect);
  const target = targetFromPosition(bag);
  const previousPosition = previousFrom(bag, notes);
  const withPrevious = <T extends object>(v: T) => (previousPosition ? { ...v, previousPosition } : v);
  if (target) {
    if (!fromWords) notes.push("no action field: the market position alone sets the target");
    else if (fromWords.action === "open" && target.side !== "flat" && target.side !== fromWords.side && target.size === undefined) {
      notes.push(`the action opens ${fromWords.side} but the position stays ${target.side} (a partial exit?): send the position size so the target is exact`);
    }
    const orderSide = fromWords ? orderSideOf(fromWords) : undefined;
    return withPrevious({ intent: orderSide ? { ...target, orderSide } : target });
  }
  if (!fromWords) {
    refuse(
      "ACTION_MISSING",
      'The alert has no action: add a field such as "action": "{{strategy.order.action}}" (buy, sell, long, short, exit_long, close…) or "sentiment": "{{strategy.market_position}}".',
    );
  }
  return withPrevious({ intent: fromWords });
}

/** The order side an action implies: what a target keeps of the action once the position decides. */
function orderSideOf(intent: Intent): "buy" | "sell" | undefined {
  if (intent.action === "target" || intent.side === undefined) return undefined;
  const buys = intent.action === "close" ? intent.side === "short" : intent.side === "long";
  return buys ? "buy" : "sell";
}

function intentFromWords(bag: FieldBag, dialect: Dialect): Intent | undefined {
  const found: Found[] = [];
  let first = true;
  for (const key of ACTION_KEYS) {
    const leaf = bag.find([key]);
    if (!leaf) continue;
    const text = leafText(leaf) ?? "";
    const word = classifyActionWord(text, dialect);
    if (key === "type" && !word) continue; // usually the order type (limit/market): handled with prices
    if (!word) {
      if (first) {
        refuse("ACTION_UNSUPPORTED", `The action ${leaf.path} is ${quoteText(text)}, which we do not support: use buy, sell, long, short, close, exit_long, exit_short, enter_long or enter_short.`);
      }
      continue;
    }
    bag.take([key]);
    found.push({ leaf, word });
    first = false;
  }
  const cancel = found.find((f) => f.word.kind === "cancel");
  if (cancel) refuse("ACTION_UNSUPPORTED", `The action ${cancel.leaf.path} is ${quoteText(leafText(cancel.leaf))}: cancelling orders from an alert is not supported yet.`);

  const intents = found.flatMap((f) => (f.word.kind === "intent" ? [f.word.intent] : []));
  const sides = found.flatMap((f) => (f.word.kind === "side" ? [f.word] : []));
  const verbs = found.flatMap((f) => (f.word.kind === "verb" ? [f.word.verb] : []));
  const conflict = (): never => refuse("ACTION_CONFLICT", `The action fields disagree (${found.map((f) => `${f.leaf.path}=${leafText(f.leaf)}`).join(", ")}); send one action.`);

  const compound = intents[0];
  if (compound) {
    if (intents.some((i) => i.action !== compound.action || i.side !== compound.side)) conflict();
    const verb: Verb = compound.action === "close" ? "close" : "open";
    if (compound.side !== undefined && sides.some((s) => positionSide(s, verb) !== compound.side)) conflict();
    if (verbs.some((v) => v !== compound.action)) conflict();
    return compound;
  }
  if (new Set(verbs).size > 1) conflict();
  let verb = verbs[0];
  if (!verb) {
    // tv08: "action": "buy" + "message": "entry" / "exit" (from strategy.order.alert_message).
    const refine = bag.take(REFINE_KEYS, (l) => classifyActionWord(leafText(l) ?? "")?.kind === "verb");
    const word = refine && classifyActionWord(leafText(refine) ?? "");
    if (word?.kind === "verb") verb = word.verb;
  }
  if (sides.length > 0) {
    const v = verb ?? "open";
    const resolved = new Set(sides.map((s) => positionSide(s, v)));
    if (resolved.size > 1) conflict();
    const side = positionSide(sides[0]!, v);
    return { action: v, side };
  }
  if (verb === "close") return { action: "close" };
  if (verb) refuse("ACTION_MISSING", `The alert says "${verb}" but not which side: add buy/sell or long/short.`);
  return undefined;
}

function targetFromPosition(bag: FieldBag): (Intent & { action: "target" }) | undefined {
  const position = bag.take(POSITION_KEYS);
  const signed = bag.takeAll(SIGNED_SIZE_KEYS).map((leaf) => ({ leaf, size: size(leaf) }));
  const absolute = bag.takeAll(ABSOLUTE_SIZE_KEYS).map((leaf) => ({ leaf, size: size(leaf) }));
  if (!position && signed.length === 0 && absolute.length === 0) return undefined;
  const invalid = (why: string): never => refuse("POSITION_INVALID", `The position fields are inconsistent: ${why}.`);
  for (const a of absolute) if (a.size.negative) invalid(`${a.leaf.path} is negative`);
  const sizes = distinctDecimals([...signed, ...absolute].map((s) => s.size.value));
  if (sizes.length > 1) invalid(`the sizes ${[...signed, ...absolute].map((s) => `${s.leaf.path}=${leafText(s.leaf)}`).join(", ")} disagree`);

  let side: TargetSide;
  if (position) {
    const word = normalizeWord(leafText(position) ?? "");
    if (!TARGET_SIDES.has(word)) invalid(`${position.path} is ${quoteText(leafText(position))}, not long, short or flat`);
    side = word as TargetSide;
  } else if (signed[0]) {
    side = isZeroDecimal(signed[0].size.value) ? "flat" : signed[0].size.negative ? "short" : "long";
  } else {
    return invalid(`${absolute[0]!.leaf.path} is given without market_position, so the side is unknown`);
  }
  const value = sizes[0];
  for (const s of signed) {
    if ((s.size.negative && side !== "short") || (!s.size.negative && side === "short" && !isZeroDecimal(s.size.value))) {
      invalid(`${s.leaf.path}=${leafText(s.leaf)} does not match a ${side} position`);
    }
  }
  if (value !== undefined && (side === "flat") !== isZeroDecimal(value)) invalid(`a ${side} position of size ${value}`);
  return value === undefined ? { action: "target", side } : { action: "target", side, size: value };
}

function size(leaf: Leaf): { negative: boolean; value: string } {
  const parsed = parseDecimal(leafText(leaf) ?? "");
  if (!parsed) refuse("POSITION_INVALID", `The position size ${leaf.path} is ${quoteText(leafText(leaf))}, not a number.`);
  return parsed;
}

function previousFrom(bag: FieldBag, notes: string[]): PreviousPosition | undefined {
  const leaf = bag.take(PREVIOUS_KEYS);
  const sizes = bag.takeAll(PREVIOUS_SIZE_KEYS);
  if (!leaf) {
    for (const s of sizes) notes.push(`ignored field ${s.path}: no previous market position given`);
    return undefined;
  }
  const side = normalizeWord(leafText(leaf) ?? "");
  if (!TARGET_SIDES.has(side)) {
    notes.push(`ignored field ${leaf.path}: ${quoteText(leafText(leaf))} is not long, short or flat`);
    return undefined;
  }
  const parsed = sizes[0] && parseDecimal(leafText(sizes[0]) ?? "");
  if (sizes[0] && !parsed) notes.push(`ignored field ${sizes[0].path}: not a number`);
  return parsed ? { side: side as TargetSide, size: parsed.value } : { side: side as TargetSide };
}
