import type { Db } from "../db/client.js";
import { lastPrices, toPosition } from "../db/repositories/trading-repository.js";
import type { PositionRow } from "../db/schema/positions.js";
import { dec } from "../domain/decimal.js";
import { unrealizedPnlAt } from "../domain/position.js";

export const POSITION_SIDES = ["long", "short", "flat"] as const;
export type PositionSide = (typeof POSITION_SIDES)[number];

export type ValuedPosition = {
  readonly position: PositionRow;
  readonly side: PositionSide;
  /** The last price seen for the symbol; null for a closed position or when no price is known. */
  readonly markPrice: string | null;
  /** "0" for a closed position; null when an open one has no mark or no market rules to value it with. */
  readonly unrealizedPnl: string | null;
};

export function sideOf(quantity: string): PositionSide {
  const q = dec(quantity);
  return q.isZero() ? "flat" : q.isNeg() ? "short" : "long";
}

/** Last prices of the symbols the open positions among `rows` hold, in one query. */
export async function marksFor(db: Db, rows: readonly PositionRow[]): Promise<Map<string, string>> {
  const symbols = [...new Set(rows.filter((r) => r.status === "open").map((r) => r.symbol))];
  const prices = await lastPrices(db, symbols);
  return new Map([...prices].map(([symbol, p]) => [symbol, p.price]));
}

/** Values a position at its mark; never guesses a mark it does not have (invariant 4). */
export function valuePosition(row: PositionRow, marks: ReadonlyMap<string, string>): ValuedPosition {
  const side = sideOf(row.quantity);
  if (row.status !== "open") return { position: row, side, markPrice: null, unrealizedPnl: "0" };
  const markPrice = marks.get(row.symbol) ?? null;
  // The position carries its contract size: any venue's position can be valued at its mark.
  const unrealized = markPrice !== null ? unrealizedPnlAt(toPosition(row), markPrice) : null;
  return { position: row, side, markPrice, unrealizedPnl: unrealized };
}
