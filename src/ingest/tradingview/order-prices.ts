import { normalizeWord } from "./action-words.js";
import type { Dialect } from "./command.js";
import type { FieldBag, Leaf } from "./fields.js";
import { leafText } from "./fields.js";
import { refuse } from "./reasons.js";
import { positivePrice, quoteText } from "./values.js";

/**
 * Order type and prices. `price` is what the sender saw (usually {{close}}) and doubles as the limit
 * price of a limit order; a candle close (`close`, `bar.close`) never becomes a limit price by
 * itself. Frostybot's `price=` is a limit price only. PineConnector's `price=` depends on an EA
 * setting (pips, price or percent), so it is not used.
 */

const ORDER_TYPE_KEYS = ["ordertype", "orderordertype"];
const ORDER_TYPES = new Map<string, OrderType>([
  ["market", "market"],
  ["mkt", "market"],
  ["limit", "limit"],
  ["lmt", "limit"],
  ["stop", "stop"],
  ["stop_market", "stop"],
  ["stopmarket", "stop"],
]);
const UNSUPPORTED_TYPES = new Set(["stop_limit", "stoplimit", "trailing_stop", "trailing", "take_profit", "oco", "bracket", "iceberg", "twap"]);
const REFERENCE_KEYS = ["price", "close", "closeprice", "barclose", "orderprice", "strategyorderprice"];
const LIMIT_KEYS = ["limitprice", "orderlimitprice"];
const STOP_KEYS = ["stopprice", "triggerprice", "orderstopprice", "stoppx"];

type OrderType = "market" | "limit" | "stop";
export type OrderFields = { orderType: OrderType; limitPrice?: string; stopPrice?: string; referencePrice?: string };

export function resolveOrder(bag: FieldBag, dialect: Dialect, notes: string[]): OrderFields {
  const declared = orderTypeOf(bag);
  if (dialect === "frostybot") {
    const price = bag.take(["price"]);
    const orderType = declared ?? (price ? "limit" : "market");
    return withPrices(orderType, orderType === "limit" ? required(price, "limit") : undefined, undefined, undefined);
  }
  if (dialect === "pineconnector") {
    const price = bag.take(["price"]);
    if (price) notes.push(`${price.path}=${leafText(price)} not used: PineConnector's price= means pips, a price or a percent depending on the EA setting`);
  }
  const reference = bag.take(REFERENCE_KEYS);
  const limit = bag.take(LIMIT_KEYS);
  const orderType = declared ?? (limit ? "limit" : "market");
  const ownPrice = reference?.key === "price" ? reference : undefined;
  const limitPrice = orderType === "limit" ? required(limit ?? ownPrice, "limit") : undefined;
  const stopPrice = orderType === "stop" ? required(bag.take(STOP_KEYS) ?? ownPrice, "stop") : undefined;
  if (limit && orderType !== "limit") notes.push(`ignored field ${limit.path}: the order type is ${orderType}`);
  return withPrices(orderType, limitPrice, stopPrice, reference ? positivePrice(reference, "reference price") : undefined);
}

function orderTypeOf(bag: FieldBag): OrderType | undefined {
  const isOrderTypeWord = (l: Leaf) => {
    const w = normalizeWord(leafText(l) ?? "");
    return ORDER_TYPES.has(w) || UNSUPPORTED_TYPES.has(w);
  };
  // `type` is often the order type but not always: only an order-type word counts.
  const leaf = bag.take(ORDER_TYPE_KEYS) ?? bag.take(["type"], isOrderTypeWord);
  if (!leaf) return undefined;
  const type = ORDER_TYPES.get(normalizeWord(leafText(leaf) ?? ""));
  if (!type) {
    refuse("ORDER_TYPE_UNSUPPORTED", `The order type ${leaf.path} is ${quoteText(leafText(leaf))}; supported order types are market, limit and stop.`);
  }
  return type;
}

function required(leaf: Leaf | undefined, kind: "limit" | "stop"): string {
  if (!leaf) {
    refuse(
      "PRICE_INVALID",
      `A ${kind} order needs a ${kind} price: add "price": {{close}} (or "${kind}_price") to the alert, or send a market order.`,
    );
  }
  return positivePrice(leaf, `${kind} price`);
}

function withPrices(orderType: OrderType, limitPrice?: string, stopPrice?: string, referencePrice?: string): OrderFields {
  return {
    orderType,
    ...(limitPrice === undefined ? {} : { limitPrice }),
    ...(stopPrice === undefined ? {} : { stopPrice }),
    ...(referencePrice === undefined ? {} : { referencePrice }),
  };
}
