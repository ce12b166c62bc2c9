import type { ClaimedSignal } from "../db/repositories/signal-queue-repository.js";
import { plain } from "../domain/decimal.js";
import type { MarketRules } from "../domain/market.js";
import type { StrategyConfig } from "../domain/strategy-config.js";
import type { PlaceOrderInput, PlaceOrderResult, QuantityDenial } from "../execution/place-order.js";
import { sizeOrder } from "../risk/sizing.js";
import type { OrderPlan, PlannedOrder, PlanNote } from "./manager/index.js";

/** What processing a signal produced; stored on the signal as its result. */
export type SignalResult = Record<string, unknown>;

type LegResult = { leg: number; role: string; outcome: string; reason: string | null; orderId?: string; filled?: string; status?: string };

/**
 * Places a plan's legs in order, each through `place` (the paper venue, or a live one), and sums
 * them up. A leg that places no order stops the plan, so a reversal whose exit is refused never
 * opens the other side. Without market rules nothing could be planned: one leg stands in, so the
 * denial (UNKNOWN_MARKET) is decided and stored like any other.
 */
export async function runPlan(input: {
  claimed: ClaimedSignal;
  config: StrategyConfig;
  plan: OrderPlan | undefined;
  rules: MarketRules | undefined;
  position: { quantity: string } | undefined;
  accountId: string;
  place: (order: PlaceOrderInput) => Promise<PlaceOrderResult>;
  /** Notes decided before the plan (entries the signal cancelled): on the result even when nothing is traded. */
  earlierNotes?: readonly PlanNote[];
}): Promise<SignalResult> {
  const { claimed, config, plan, rules, position } = input;
  const earlier = input.earlierNotes ?? [];
  if (plan?.noop) return { outcome: "NO_ACTION", reason: plan.noop.code, detail: plan.noop.detail, notes: [...earlier, ...plan.notes] };
  const { signal } = claimed;
  const legs: LegResult[] = [];
  const planned: PlannedOrder[] = plan?.orders ?? [unknownMarketLeg(signal.intent.action === "close")];
  const reference = signal.referencePrice ? { price: signal.referencePrice, observedAt: claimed.receivedAt } : undefined;
  // Notes the sizing adds to the plan's: an entry cut to the room maxPositionPerSymbol leaves.
  const notes: PlanNote[] = [...earlier, ...(plan?.notes ?? [])];
  for (const leg of planned) {
    const { decision, order } = await input.place({
      accountId: input.accountId,
      strategyId: claimed.strategyId,
      symbol: claimed.symbol,
      side: leg.side,
      kind: leg.kind,
      quantity:
        leg.quantity.type === "exact"
          ? leg.quantity.value
          : ({ equity, referencePrice }) => sized(leg, config.sizing, referencePrice, equity, position?.quantity, rules, notes),
      limitPrice: leg.limitPrice,
      reduceOnly: leg.reduceOnly,
      role: leg.role,
      origin: { signalId: claimed.id },
      leg: leg.leg,
      stopLoss: leg.stopLoss?.price,
      takeProfit: leg.takeProfit?.price,
      limits: config.riskLimits,
      reference,
    });
    // An approved order the venue rejected placed nothing either, and one whose outcome the venue
    // could not confirm (still "new") may or may not exist: either way the plan stops there.
    const placed = order !== null && order.status !== "rejected" && order.status !== "new";
    const outcome = !order ? "denied" : placed ? (decision?.outcome ?? "approved") : order.status === "new" ? "unknown" : "rejected";
    const reason = !order || placed ? (decision?.reason ?? null) : order.status === "new" ? "VENUE_OUTCOME_UNKNOWN" : order.rejectReason;
    legs.push({ leg: leg.leg, role: leg.role, outcome, reason, ...(order ? { orderId: order.id, filled: order.filledQuantity, status: order.status } : {}) });
    if (!placed) break;
  }
  const last = legs.at(-1)?.outcome;
  const failed = last === "denied" || last === "rejected" || last === "unknown";
  const single = { denied: "DENIED", rejected: "REJECTED", unknown: "OUTCOME_UNKNOWN" } as const;
  const outcome = !failed ? "EXECUTED" : legs.length > 1 ? "PARTIALLY_EXECUTED" : single[last];
  return { outcome, legs, notes };
}

function unknownMarketLeg(exit: boolean): PlannedOrder {
  return { role: exit ? "exit" : "entry", side: "buy", kind: "market", quantity: { type: "exact", value: "0" }, reduceOnly: exit, leg: 0 };
}

function sized(
  leg: PlannedOrder,
  policy: StrategyConfig["sizing"],
  referencePrice: string | undefined,
  equity: string,
  positionQuantity: string | undefined,
  rules: MarketRules | undefined,
  notes: PlanNote[],
): string | QuantityDenial {
  if (!rules) return { reason: "UNKNOWN_MARKET", detail: "no market rules" };
  const signalQuantity = leg.quantity.type === "sized" ? leg.quantity.signalQuantity : undefined;
  const result = sizeOrder({
    ...(signalQuantity ? { signalQuantity } : {}),
    policy,
    ...(referencePrice ? { referencePrice } : {}),
    ...(leg.limitPrice ? { entryPrice: leg.limitPrice } : {}),
    ...(leg.stopLoss ? { stopPrice: leg.stopLoss.price } : {}),
    equity,
    positionQuantity: positionQuantity ?? "0",
    rules,
  });
  if (!result.ok) return { reason: result.reason, limit: result.limit, detail: result.detail };
  const room = leg.quantity.type === "sized" ? leg.quantity.maxQuantity : undefined;
  if (room !== undefined && result.quantity.gt(room)) {
    notes.push({ code: "MAX_POSITION_CAPPED", detail: `sized entry of ${plain(result.quantity)} capped to ${room} by maxPositionPerSymbol` });
    return room;
  }
  return plain(result.quantity);
}
