import type { Balances, Fee, Order, Trade } from "ccxt";
import { numberText } from "./ccxt-markets.js";
import type { VenueBalance, VenueFee, VenueOrder, VenueTrade } from "./types.js";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);

function fee(f: Fee | undefined): VenueFee | undefined {
  const cost = numberText(f?.cost);
  return f && cost !== undefined && f.currency ? { currency: f.currency, cost } : undefined;
}

export function toVenueOrder(o: Order): VenueOrder {
  const many = (o as Order & { fees?: Fee[] }).fees;
  const fees = (many && many.length > 0 ? many : [o.fee]).map(fee).filter((f): f is VenueFee => f !== undefined);
  return {
    venueOrderId: str(o.id) ?? "",
    clientOrderId: str(o.clientOrderId),
    symbol: o.symbol ?? "",
    side: o.side ?? "",
    kind: o.type ?? "",
    status: o.status ?? "open",
    amount: numberText(o.amount),
    filled: numberText(o.filled) ?? "0",
    remaining: numberText(o.remaining),
    price: numberText(o.price) === "0" ? undefined : numberText(o.price),
    average: numberText(o.average),
    cost: numberText(o.cost),
    fees,
    timestamp: o.timestamp ?? undefined,
  };
}

export function toVenueTrade(t: Trade): VenueTrade {
  return {
    id: str(t.id) ?? "",
    venueOrderId: str(t.order),
    symbol: t.symbol ?? "",
    side: t.side ?? "",
    price: numberText(t.price) ?? "0",
    amount: numberText(t.amount) ?? "0",
    cost: numberText(t.cost),
    fee: fee(t.fee),
    takerOrMaker: t.takerOrMaker ?? undefined,
    timestamp: t.timestamp ?? undefined,
  };
}

const NOT_ASSETS = new Set(["info", "free", "used", "total", "timestamp", "datetime", "debt"]);

export function toVenueBalances(b: Balances): Map<string, VenueBalance> {
  const out = new Map<string, VenueBalance>();
  for (const [asset, value] of Object.entries(b)) {
    if (NOT_ASSETS.has(asset) || value === null || typeof value !== "object") continue;
    const v = value as { free?: number; used?: number; total?: number };
    out.set(asset, { free: numberText(v.free) ?? "0", used: numberText(v.used) ?? "0", total: numberText(v.total) ?? "0" });
  }
  return out;
}
