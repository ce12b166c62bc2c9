import type { Intent, Quantity } from "../../domain/signal.js";
import { normalizeWord } from "./action-words.js";
import type { Dialect } from "./command.js";
import { compareDecimal, distinctDecimals, isZeroDecimal, parseDecimal } from "./decimal.js";
import type { FieldBag, Leaf } from "./fields.js";
import { leafText } from "./fields.js";
import { refuse } from "./reasons.js";
import { quoteText } from "./values.js";

/**
 * Order size and its unit. Base units unless the sender says otherwise: a "25%" string, 3Commas'
 * order.currency_type, TradersPost's quantityType, or a USD `size` (Frostybot commands and
 * tradingview-alerts-processor, recognised by its `stub`). Several quantity fields that disagree
 * are refused rather than picked from.
 */

const QUANTITY_KEYS = [
  "contracts", "ordercontracts", "strategyordercontracts", "quantity", "qty", "orderquantity", "orderqty", "size", "ordersize",
  "amount", "orderamount", "volume", "ordervolume",
];
const UNIT_KEYS = ["ordercurrencytype", "currencytype", "quantitytype", "qtytype", "unit"];
const PINECONNECTOR_SIZE_KEYS = ["risk", "vollots", "voldollar", "volpct", "volpercent", "lots"];
const MULTIPLE = /^\d+(?:\.\d+)?x$/i;

type Unit = Quantity["unit"];
const UNITS = new Map<string, Unit>([
  ["base", "base"],
  ["quote", "quote"],
  ["position_percent", "percent_position"],
  ["margin_percent", "percent_equity"],
  ["fixed_quantity", "base"],
  ["contracts", "base"],
  ["dollar_amount", "quote"],
  ["percent_of_equity", "percent_equity"],
  ["percent_of_position", "percent_position"],
]);
/** Sizing by risk needs the stop distance and account state: not a quantity we can take as given. */
const RISK_UNITS = new Set(["risk_dollar_amount", "risk_percent", "risk_percent_of_equity", "risk"]);

export type QuantityContext = { dialect: Dialect; usdSize: boolean; intent: Intent };

export function resolveQuantity(bag: FieldBag, ctx: QuantityContext, notes: string[]): Quantity | undefined {
  if (ctx.dialect === "pineconnector") {
    for (const leaf of bag.takeAll(PINECONNECTOR_SIZE_KEYS)) {
      notes.push(`${leaf.path}=${leafText(leaf)} not used as a quantity: PineConnector's ${leaf.path} means lots, money or a percent of balance depending on the EA setting`);
    }
  }
  const leaves = bag.takeAll(QUANTITY_KEYS);
  const unitLeaf = bag.take(UNIT_KEYS);
  if (leaves.length === 0) {
    if (unitLeaf) notes.push(`ignored field ${unitLeaf.path}: there is no quantity`);
    return undefined;
  }
  const parsed = leaves.map(parseQuantity);
  const first = parsed[0]!;
  const percents = new Set(parsed.map((p) => p.percent));
  if (percents.size > 1 || distinctDecimals(parsed.map((p) => p.value)).length > 1) {
    refuse("AMBIGUOUS_QUANTITY", `The alert gives several different quantities (${leaves.map((l) => `${l.path}=${leafText(l)}`).join(", ")}); send one.`);
  }
  const unit = unitOf(first, unitLeaf, ctx);
  if (unit.startsWith("percent") && compareDecimal(first.value, "100") > 0) {
    refuse("QUANTITY_INVALID", `The quantity ${first.leaf.path} is ${first.value}%; a percentage must be at most 100.`);
  }
  return { value: first.value, unit };
}

type ParsedQuantity = { leaf: Leaf; value: string; percent: boolean };

function parseQuantity(leaf: Leaf): ParsedQuantity {
  const text = (leafText(leaf) ?? "").trim();
  if (MULTIPLE.test(text)) {
    refuse(
      "AMBIGUOUS_QUANTITY",
      `The quantity ${leaf.path} is "${text}", a multiple of the account balance (leverage), which a signal cannot express: send a USD amount or a percentage up to 100%.`,
    );
  }
  const percent = text.endsWith("%");
  const parsed = parseDecimal(percent ? text.slice(0, -1) : text);
  if (!parsed) refuse("QUANTITY_INVALID", `The quantity ${leaf.path} is ${quoteText(leafText(leaf))}, not a number.`);
  if (parsed.negative) refuse("QUANTITY_INVALID", `The quantity ${leaf.path} is negative; send a positive size and say the direction with the action.`);
  if (isZeroDecimal(parsed.value)) refuse("QUANTITY_INVALID", `The quantity ${leaf.path} is zero.`);
  return { leaf, value: parsed.value, percent };
}

function unitOf(q: ParsedQuantity, unitLeaf: Leaf | undefined, ctx: QuantityContext): Unit {
  if (unitLeaf) {
    const word = normalizeWord(leafText(unitLeaf) ?? "");
    if (RISK_UNITS.has(word)) {
      refuse("AMBIGUOUS_QUANTITY", `${unitLeaf.path} is "${word}": sizing by risk depends on the stop distance and the account, so it is not a quantity we can use.`);
    }
    const unit = UNITS.get(word);
    if (!unit) {
      refuse("QUANTITY_INVALID", `${unitLeaf.path} is ${quoteText(leafText(unitLeaf))}; expected base, quote, position_percent or margin_percent.`);
    }
    if (q.percent && !unit.startsWith("percent")) refuse("QUANTITY_INVALID", `The quantity ${q.leaf.path} is a percentage but ${unitLeaf.path} says ${word}.`);
    return unit;
  }
  // A percentage of what: of the position when leaving it, of equity when entering.
  if (q.percent) return ctx.intent.action === "close" ? "percent_position" : "percent_equity";
  if (ctx.usdSize && q.leaf.key === "size") return "quote";
  return "base";
}
