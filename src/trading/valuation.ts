import type { Db } from "../db/client.js";
import { lastPrices, toPosition } from "../db/repositories/trading-repository.js";
import type { PositionRow } from "../db/schema/positions.js";
import { dec } from "../domain/decimal.js";
import { unrealizedPnlAt } from "../domain/position.js";

export const POSITION_SIDES = ["long", "short", "flat"] as const;
export type PositionSide = (typeof POSITION_SIDES)[number];

/** Where a mark comes from: a signal's price, an exchange account's last price, or the paper price feed's. */
export const MARK_SOURCES = ["signal", "venue", "market"] as const;
export type MarkSource = (typeof MARK_SOURCES)[number];

/** A symbol's last price, when it was seen, and where from. */
export type Mark = { readonly price: string; readonly observedAt: Date; readonly source: string };

export type ValuedPosition = {
  readonly position: PositionRow;
  readonly side: PositionSide;
  /** The last price seen for the symbol; null for a closed position or when no price is known. */
  readonly markPrice: string | null;
  /** Where `markPrice` comes from and how old it is; null with it. */
  readonly mark: Mark | null;
  /** "0" for a closed position; null when an open one has no mark or no market rules to value it with. */
  readonly unrealizedPnl: string | null;
};

export function sideOf(quantity: string): PositionSide {
  const q = dec(quantity);
  return q.isZero() ? "flat" : q.isNeg() ? "short" : "long";
}

/** Marks of the symbols the open positions among `rows` hold, in one query. */
export async function marksFor(db: Db, rows: readonly PositionRow[]): Promise<Map<string, Mark>> {
  const symbols = [...new Set(rows.filter((r) => r.status === "open").map((r) => r.symbol))];
  return lastPrices(db, symbols);
}

/** The prices alone, by symbol. */
export function pricesOf(marks: ReadonlyMap<string, Mark>): Map<string, string> {
  return new Map([...marks].map(([symbol, mark]) => [symbol, mark.price]));
}

/** Values a position at its mark; never guesses a mark it does not have (invariant 4). */
export function valuePosition(row: PositionRow, marks: ReadonlyMap<string, Mark>): ValuedPosition {
  const side = sideOf(row.quantity);
  if (row.status !== "open") return { position: row, side, markPrice: null, mark: null, unrealizedPnl: "0" };
  const mark = marks.get(row.symbol) ?? null;
  // The position carries its contract size: any venue's position can be valued at its mark.
  const unrealized = mark !== null ? unrealizedPnlAt(toPosition(row), mark.price) : null;
  return { position: row, side, markPrice: mark?.price ?? null, mark, unrealizedPnl: unrealized };
}
