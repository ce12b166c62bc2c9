import type { PositionStatus } from "../../../domain/position.js";
import type { MarkSource, ValuedPosition } from "../../../trading/valuation.js";

/** The public shape of a position: cost basis, contract size and the opening fill stay internal. */
export function positionView({ position, side, markPrice, mark, unrealizedPnl }: ValuedPosition) {
  return {
    id: position.id,
    accountId: position.accountId,
    strategyId: position.strategyId,
    symbol: position.symbol,
    side,
    quantity: position.quantity,
    averageEntryPrice: position.averageEntryPrice,
    realizedPnl: position.realizedPnl,
    fees: position.fees,
    status: position.status as PositionStatus,
    openedAt: position.openedAt.toISOString(),
    closedAt: position.closedAt?.toISOString() ?? null,
    markPrice,
    markedAt: mark?.observedAt.toISOString() ?? null,
    markSource: (mark?.source ?? null) as MarkSource | null,
    unrealizedPnl,
  };
}
