import { dec, ZERO, type Dec } from "../domain/decimal.js";

export type HeldUnits = { readonly symbol: string; readonly quantity: string; readonly contractSize: string };
export type DayFlowUnits = { readonly symbol: string; readonly quantity: string; readonly cost: string };
export type MarkNow = { readonly price: string; readonly dayOpen: string | null };

export type PnlSinceMidnight = { ok: true; pnl: Dec } | { ok: false; symbol: string };

/**
 * The account's PnL since 00:00 UTC: its equity now minus its equity at midnight (the account's
 * cash and positions change only by fills). Per symbol, what the net position is worth now, minus
 * what the position held at midnight was worth at the midnight mark, minus what today's fills cost
 * (bought minus sold, plus fees). The midnight position is today's minus today's fills, so no
 * history of positions is needed, and a position held overnight counts from the midnight mark, not
 * from its entry: yesterday's gain does not hide today's loss, nor yesterday's loss count again.
 *
 * `held`: the account's open positions; `flows`: today's fills per symbol (signed base units,
 * contract size applied); `marks`: per symbol, the last price and the midnight mark. Without a
 * midnight mark (no price known from before midnight) the day starts at the last price. Not ok
 * when a symbol the account held at midnight has no price at all: its loss cannot be measured.
 */
export function pnlSinceMidnight(held: readonly HeldUnits[], flows: readonly DayFlowUnits[], marks: ReadonlyMap<string, MarkNow>): PnlSinceMidnight {
  const units = new Map<string, Dec>();
  for (const p of held) units.set(p.symbol, (units.get(p.symbol) ?? ZERO).plus(dec(p.quantity).mul(p.contractSize)));
  const today = new Map<string, DayFlowUnits>();
  for (const f of flows) today.set(f.symbol, f);
  let pnl = ZERO;
  for (const symbol of new Set([...units.keys(), ...today.keys()])) {
    const now = units.get(symbol) ?? ZERO;
    const flow = today.get(symbol);
    const atMidnight = flow ? now.minus(flow.quantity) : now;
    const mark = marks.get(symbol);
    if (!mark && !(now.isZero() && atMidnight.isZero())) return { ok: false, symbol };
    if (!now.isZero()) pnl = pnl.plus(now.mul(mark?.price ?? 0));
    if (!atMidnight.isZero()) pnl = pnl.minus(atMidnight.mul(mark?.dayOpen ?? mark?.price ?? 0));
    if (flow) pnl = pnl.minus(flow.cost);
  }
  return { ok: true, pnl };
}
