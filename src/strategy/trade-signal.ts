import type { ClaimedSignal } from "../db/repositories/signal-queue-repository.js";
import type { MarketRules } from "../domain/market.js";
import type { StrategyConfig } from "../domain/strategy-config.js";
import type { PlaceOrderInput, PlaceOrderResult } from "../execution/place-order.js";
import { planOrders, type PlanNote } from "./manager/index.js";
import { runPlan, type SignalResult } from "./run-plan.js";

/**
 * Plans a signal against the strategy's position and places each leg in order with `place`: the
 * same for paper, live and backtests (invariant 6); only `place` (the venue and its books) differs.
 * Without market rules nothing is planned, and the one stand-in leg is denied UNKNOWN_MARKET.
 */
export function tradeSignal(input: {
  claimed: ClaimedSignal;
  config: StrategyConfig;
  /** Signed, order units; undefined when flat. */
  positionQuantity: string | undefined;
  /** The last price known for the symbol, used when the signal carries none. */
  lastPrice: string | undefined;
  rules: MarketRules | undefined;
  accountId: string;
  place: (order: PlaceOrderInput) => Promise<PlaceOrderResult>;
  /** What was decided before planning (entries this signal cancelled), kept first on the trace. */
  notes?: readonly PlanNote[];
}): Promise<SignalResult> {
  const { claimed, config, rules } = input;
  const { signal } = claimed;
  const referencePrice = signal.referencePrice ?? input.lastPrice;
  const position = input.positionQuantity !== undefined ? { quantity: input.positionQuantity } : undefined;
  const plan = rules ? planOrders({ signal, config, position, rules, referencePrice }) : undefined;
  return runPlan({ claimed, config, plan, rules, position, accountId: input.accountId, place: input.place, earlierNotes: input.notes ?? [] });
}
