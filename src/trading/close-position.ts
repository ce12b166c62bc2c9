import { findStrategyById } from "../db/repositories/strategies-repository.js";
import { findPositionById, type StoredPosition } from "../db/repositories/trading-repository.js";
import type { RiskDecisionRow } from "../db/schema/risk-decisions.js";
import type { Db } from "../db/client.js";
import { dec, plain } from "../domain/decimal.js";
import type { PlaceOrderInput } from "../execution/place-order.js";
import { placeForAccount } from "./place-for-account.js";
import { ApiError } from "../http/errors.js";
import { DEFAULT_RISK_LIMITS } from "../risk/limits.js";
import { configOf } from "../strategy/strategy-service.js";
import type { TradingContext } from "./context.js";
import { getOrder, type OrderWithFills } from "./order-queries.js";
import { getPosition } from "./position-queries.js";
import type { ValuedPosition } from "./valuation.js";

export type ClosePositionResult = { decision: RiskDecisionRow; order: OrderWithFills | null; position: ValuedPosition };

/**
 * Closes an open position with a reduce-only market order for its whole quantity, through the risk
 * engine like any order: allowed while REDUCING, denied (TRADING_HALTED, as data) while HALTED. The
 * venue cancels the position's stop-loss and take-profit once it is flat.
 */
export async function closePosition({ ctx, input }: { ctx: TradingContext; input: { id: string } }): Promise<ClosePositionResult> {
  const position = await findPositionById(ctx.db, input.id);
  if (!position) throw new ApiError("NOT_FOUND", `no position with id ${input.id}`);
  if (position.status !== "open") throw new ApiError("CONFLICT", `position ${input.id} is already closed`);
  // On the position's account's venue: the paper one, or its exchange (the live path).
  const result = await placeForAccount(ctx, await closeOrderInput(ctx.db, position));
  if (!result.decision) throw new Error(`order ${result.order?.id ?? "?"} has no stored decision`);
  return {
    decision: result.decision,
    order: result.order ? await getOrder({ ctx, input: { id: result.order.id } }) : null,
    position: await getPosition({ ctx, input: { id: position.id } }),
  };
}

/**
 * The order that takes a position to flat. Its client order id derives from the position and its
 * last change, so two closes of the same position (a double click, a close racing a flatten) place
 * one order, while a position that changed since gets a new one.
 */
export async function closeOrderInput(db: Db, position: StoredPosition): Promise<PlaceOrderInput> {
  const strategy = await findStrategyById(db, position.strategyId);
  const quantity = dec(position.quantity);
  return {
    accountId: position.accountId,
    strategyId: position.strategyId,
    symbol: position.symbol,
    side: quantity.isNeg() ? "buy" : "sell",
    kind: "market",
    quantity: plain(quantity.abs()),
    reduceOnly: true,
    role: "exit",
    origin: { manualKey: `close:${position.id}:${position.updatedAt.getTime()}` },
    leg: 0,
    limits: strategy ? configOf(strategy).riskLimits : DEFAULT_RISK_LIMITS,
  };
}
