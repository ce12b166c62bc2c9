import { insertDecisionRow, type DecisionRow } from "../db/repositories/booking-repository.js";
import { loadOrderSnapshot, lockForOrder, type OrderSnapshot } from "../db/repositories/order-snapshot-repository.js";
import { upsertTradingState } from "../db/repositories/trading-states-repository.js";
import type { RiskDecisionRow } from "../db/schema/risk-decisions.js";
import type { Db } from "../db/client.js";
import { rawQuery, type RawQuery } from "../db/raw-query.js";
import type { MarketRules } from "../domain/market.js";
import type { IdSource } from "../lib/ids.js";
import type { Clock } from "../lib/clock.js";
import type { TradingMetrics } from "../metrics/port.js";
import { riskDeniedEvent, tradingStateChangedEvent, type NotificationEvent } from "../notifications/events.js";
import type { Notifier } from "../notifications/notifier.js";
import { riskWindowsAt } from "../risk/risk-context.js";
import type { AccountIncrements } from "./paper/account-increments.js";
import type { WritesBehind } from "./paper/writes-behind.js";
import type { ApprovedOrder, VenueBuyCosts } from "../risk/types.js";
import { clientOrderIdOf } from "./client-order-id.js";
import { decisionRow, judgeOrder, type DecisionRecord } from "./judge-order.js";
import type { PlaceOrderInput } from "./place-order.js";

/** What deciding an order came to, inside the caller's transaction. */
export type Decided =
  /** The client order id already has an order: a retry, or a crash before its signal finished. */
  | { kind: "existing"; orderId: string; clientOrderId: string }
  /** Denied, and the denial is stored: nothing may reach a venue. */
  | { kind: "denied"; decision: RiskDecisionRow }
  | {
      kind: "approved";
      clientOrderId: string;
      approved: ApprovedOrder;
      rules: MarketRules;
      referencePrice: string;
      snapshot: OrderSnapshot;
      query: RawQuery;
      now: Date;
      /** Stores the approval with the order it placed; issue it with the booking so they pipeline. */
      storeApproval(orderId: string): Promise<RiskDecisionRow>;
    };

/**
 * The venue-independent half of placing an order, the same for paper and live (invariant 6): the
 * kill switch's shared lock and the symbol's lock, the snapshot, sizing, the risk engine, and the
 * decision stored when it denies. `rules` are the venue's rules for the symbol (undefined: unknown
 * market, denied); `buyCosts` the venue's fee and slippage when they are not the market's (paper).
 * The locks last until `tx` ends.
 *
 * Round trips: the locks and the snapshot go out together (the snapshot runs after the locks are
 * granted, as a statement of its own); the approval is stored with the caller's booking.
 */
export async function decideOrder(
  tx: Db,
  // metrics is optional for placeLiveOrder, whose context type lacks it (the signal handler's context it passes on has it).
  ctx: {
    clock: Clock;
    ids: IdSource;
    metrics?: TradingMetrics | undefined;
    notifier?: Notifier | undefined;
    accountIncrements?: AccountIncrements | undefined;
    writesBehind?: WritesBehind | undefined;
  },
  input: PlaceOrderInput,
  rules: MarketRules | undefined,
  buyCosts?: VenueBuyCosts,
): Promise<Decided> {
  const clientOrderId = clientOrderIdOf(input.origin, input.leg, input.role);
  const query = rawQuery(tx);
  const now = ctx.clock.now();
  const windows = riskWindowsAt(now, input.limits);
  const [, read] = await Promise.all([
    lockForOrder(tx, query, input.symbol),
    loadOrderSnapshot(query, { clientOrderId, accountId: input.accountId, strategyId: input.strategyId, symbol: input.symbol, ...windows }),
  ]);
  // Earlier legs of the same signal may have booked fills whose account increments are not written yet.
  const snapshot = ctx.accountIncrements ? ctx.accountIncrements.applyTo(read, windows.day) : read;
  if (snapshot.existingOrderId) return { kind: "existing", orderId: snapshot.existingOrderId, clientOrderId };

  const judged = judgeOrder(snapshot, input, rules, now, buyCosts);
  // A state the risk engine moves is an event, written with the decision that moved it.
  const events: NotificationEvent[] = [];
  if (judged.stateChange) {
    const { scope, to, reason } = judged.stateChange;
    const scopeId = scope === "global" ? "" : scope === "account" ? input.accountId : input.strategyId;
    await upsertTradingState(tx, { scope, scopeId, state: to, reason, changedBy: "risk-engine", changedAt: now });
    const previousState = snapshot.states[scope] ?? "ACTIVE";
    if (previousState !== to) events.push(tradingStateChangedEvent({ scope, scopeId, state: to, previousState, reason, changedBy: "risk-engine", changedAt: now }));
  }
  const store = (record: DecisionRecord) => storeDecision(query, ctx, input, now, record, events);
  if (judged.kind === "denied" || !rules) return { kind: "denied", decision: await store(judged.record) };
  return {
    kind: "approved",
    clientOrderId,
    approved: judged.approved,
    rules,
    referencePrice: judged.referencePrice,
    snapshot,
    query,
    now,
    storeApproval: (orderId) => store({ ...judged.record, orderId }),
  };
}

/** A denial as an event: the quantity the risk engine judged (sized), else the one asked for. */
function deniedEvent(row: DecisionRow, input: PlaceOrderInput, record: DecisionRecord): NotificationEvent {
  const sized = (record.request as { quantity?: string } | undefined)?.quantity;
  const quantity = sized ?? (typeof input.quantity === "string" ? input.quantity : undefined);
  return riskDeniedEvent(row, { side: input.side, quantity, detail: record.detail });
}

/**
 * Stores the decision and answers with the row as stored (built here: the insert returns nothing),
 * without waiting for the insert when the caller settles its writes later (`ctx.writesBehind`).
 * A denial, and any state change it came with, go to the outbox in the same round trip.
 */
async function storeDecision(
  query: RawQuery,
  ctx: { ids: IdSource; metrics?: TradingMetrics | undefined; notifier?: Notifier | undefined; writesBehind?: WritesBehind | undefined },
  input: PlaceOrderInput,
  now: Date,
  record: DecisionRecord,
  events: readonly NotificationEvent[],
): Promise<RiskDecisionRow> {
  const row = decisionRow(ctx.ids.next("rsk"), input, now, record);
  // Plain JSON, so the stored request reads back identical (Dates become ISO text).
  if (record.request !== undefined) row.request = JSON.parse(JSON.stringify(record.request)) as unknown;
  const notices = row.outcome === "denied" && ctx.notifier?.wants("risk.denied") === true ? [...events, deniedEvent(row, input, record)] : events;
  const stored = Promise.all([insertDecisionRow(query, row), notices.length > 0 ? ctx.notifier?.record(query, notices) : undefined]);
  if (ctx.writesBehind) ctx.writesBehind.add(stored);
  else await stored;
  ctx.metrics?.riskDecision(row.outcome, row.reason);
  return row;
}
