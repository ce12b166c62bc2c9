import type { Intent, Protection } from "../../domain/signal.js";
import type { Dialect } from "./command.js";
import { isZeroDecimal, parseDecimal } from "./decimal.js";
import type { FieldBag, Leaf } from "./fields.js";
import { leafText } from "./fields.js";
import { refuse } from "./reasons.js";
import { arithmeticHint, quoteText } from "./values.js";

/**
 * Stop-loss and take-profit, as a price or a percent distance. Side-specific fields ("long SL",
 * "short TP") follow the intent's side; the other side's are reported as ignored. A close has no
 * protection to attach, so its SL/TP fields are reported as ignored too.
 */

type Kind = { name: string; prefix: string; enabled: string[]; prices: string[]; percents: string[] };

const STOP_LOSS: Kind = {
  name: "stop-loss",
  prefix: "stoploss",
  enabled: ["stoplossenabled", "slenabled"],
  prices: ["sl", "stoploss", "slprice", "stoplossprice", "stoplossstopprice", "stopprice"],
  percents: ["slpct", "slpercent", "slperc", "stoplosspercent", "stoplosspct", "stoplosspricepercent", "stoplosstriggerpricepercent"],
};
const TAKE_PROFIT: Kind = {
  name: "take-profit",
  prefix: "takeprofit",
  enabled: ["takeprofitenabled", "tpenabled"],
  prices: ["tp", "takeprofit", "tpprice", "takeprofitprice"],
  percents: ["tppct", "tppercent", "tpperc", "takeprofitpercent", "takeprofitpct", "takeprofitpricepercent"],
};
/** PineConnector's sl=/tp= are pips, a price or a percent depending on the EA setting. */
const PINECONNECTOR_AMBIGUOUS = ["sl", "tp", "slpips", "tppips"];
const LADDER_STEP = /^takeprofitsteps(\d+)/;

export type Protections = { stopLoss?: Protection; takeProfit?: Protection };

export function resolveProtections(bag: FieldBag, intent: Intent, dialect: Dialect, notes: string[]): Protections {
  if (dialect === "pineconnector") {
    for (const leaf of bag.takeAll(PINECONNECTOR_AMBIGUOUS)) {
      notes.push(`${leaf.path}=${leafText(leaf)} not used: PineConnector's ${leaf.path} means pips, a price or a percent depending on the EA setting`);
    }
  }
  const side = intent.action === "close" || intent.side === "flat" ? undefined : intent.side;
  if (!side) return {};
  const stopLoss = protection(bag, STOP_LOSS, side, notes);
  const takeProfit = protection(bag, TAKE_PROFIT, side, notes) ?? ladder(bag, notes);
  return { ...(stopLoss ? { stopLoss } : {}), ...(takeProfit ? { takeProfit } : {}) };
}

function protection(bag: FieldBag, kind: Kind, side: "long" | "short", notes: string[]): Protection | undefined {
  const enabled = bag.take(kind.enabled);
  if (enabled && leafText(enabled) === "false") {
    const off = bag.takeWhere((l) => l.key.startsWith(kind.prefix));
    if (off.length > 0) notes.push(`${enabled.path} is false: no ${kind.name} was set`);
    return undefined;
  }
  const sided = (keys: string[]) => keys.map((k) => `${side}${k}`);
  const price = bag.take([...sided(kind.prices), ...kind.prices]);
  if (price) return value(price, kind, false);
  const percent = bag.take([...sided(kind.percents), ...kind.percents]);
  return percent ? value(percent, kind, true) : undefined;
}

/** 3Commas take_profit.steps[]: one target per signal, so only the first step is used. */
function ladder(bag: FieldBag, notes: string[]): Protection | undefined {
  const first = bag.find(["takeprofitsteps0pricepercent"]);
  if (!first) return undefined;
  const steps = bag.takeWhere((l) => LADDER_STEP.test(l.key));
  const count = new Set(steps.map((l) => LADDER_STEP.exec(l.key)![1])).size;
  if (count > 1) {
    const volume = steps.find((l) => l.key === "takeprofitsteps0volumepercent");
    const share = volume ? `, for ${leafText(volume)}% of the volume in the alert` : "";
    notes.push(`take_profit has ${count} steps; only the first (${leafText(first)}%${share}) is used as the take-profit`);
  }
  return value(first, TAKE_PROFIT, true);
}

function value(leaf: Leaf, kind: Kind, percentField: boolean): Protection {
  const text = (leafText(leaf) ?? "").trim();
  const percent = percentField || text.endsWith("%");
  const parsed = parseDecimal(text.endsWith("%") ? text.slice(0, -1) : text);
  if (!parsed) refuse("PRICE_INVALID", `The ${kind.name} ${leaf.path} is ${quoteText(leafText(leaf))}, not a number${arithmeticHint(text)}.`);
  if (parsed.negative || isZeroDecimal(parsed.value)) refuse("PRICE_INVALID", `The ${kind.name} ${leaf.path} is ${text}; it must be greater than zero.`);
  return percent ? { percent: parsed.value } : { price: parsed.value };
}
