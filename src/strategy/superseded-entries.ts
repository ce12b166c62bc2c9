import type { StoredOrder } from "../db/repositories/trading-repository.js";
import type { OrderSide } from "../domain/order.js";
import type { Intent } from "../domain/signal.js";
import type { PlanNote } from "./manager/index.js";

/** The reason a superseded entry is cancelled with, and the code of the note on the signal that did it. */
export const ENTRY_ORDER_CANCELLED_BY_SIGNAL = "ENTRY_ORDER_CANCELLED_BY_SIGNAL";

const BOTH: readonly OrderSide[] = ["buy", "sell"];

/**
 * The sides of the lane's working entries (non-reduce-only) that a signal makes stale. The manager
 * plans from the position only, so an entry still resting from an earlier signal would otherwise
 * open (or its limit fallback buy at market) after a later signal said to be out, or net against a
 * reversal. close leaves a side: that side's entries go (both sides' when no side is given).
 * reverse and target restate the whole position: every entry goes. open only cancels entries of
 * the other side; a same-side open while an entry rests is pyramiding, left as the trader sent it.
 */
export function supersededEntrySides(intent: Intent): readonly OrderSide[] {
  switch (intent.action) {
    case "open":
      return [intent.side === "long" ? "sell" : "buy"];
    case "close":
      return intent.side === undefined ? BOTH : [intent.side === "long" ? "buy" : "sell"];
    case "reverse":
    case "target":
      return BOTH;
  }
}

/**
 * Cancels the superseded entries through `cancel` (the venue's books: the database inside the
 * signal's transaction, or a backtest's memory) and returns one trace note per order cancelled.
 */
export async function supersedeEntries(
  intent: Intent,
  cancel: (sides: readonly OrderSide[]) => Promise<readonly StoredOrder[]>,
): Promise<PlanNote[]> {
  const cancelled = await cancel(supersededEntrySides(intent));
  return cancelled.map((o) => ({
    code: ENTRY_ORDER_CANCELLED_BY_SIGNAL,
    detail: `working ${o.side} ${o.kind} entry ${o.id}${o.signalId ? ` of signal ${o.signalId}` : ""} (${o.filledQuantity} of ${o.quantity} filled) cancelled: this ${intent.action} signal supersedes it`,
  }));
}
