import { dec, plain } from "../domain/decimal.js";
import type { Fill, Order } from "../domain/order.js";
import type { Position } from "../domain/position.js";

/**
 * What the gateway tells people about: a closed list of event types, each with a stable name and a
 * JSON payload of ids and exact decimals (as strings). Events are built here, by pure functions, at
 * the place the change happens; sinks choose types with their `events` filter.
 */
export const NOTIFICATION_EVENT_TYPES = [
  "fill",
  "position.closed",
  "risk.denied",
  "order.rejected",
  "trading_state.changed",
  "venue.unhealthy",
  "price_feed.unhealthy",
  "candle_feed.unhealthy",
  "reconciliation.mismatch",
  "backtest.finished",
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

/** `test` is sent to one named sink on request (POST /v1/notifications/sinks/{name}/test), whatever its filter. */
export type OutboxEventType = NotificationEventType | "test";

export type NotificationEvent = Readonly<{
  type: OutboxEventType;
  occurredAt: Date;
  data: Readonly<Record<string, unknown>>;
  /** Test events only: the one sink it is for. */
  sink?: string | undefined;
}>;

const iso = (d: Date) => d.toISOString();

export function fillEvent(fill: Fill, positionId: string, realizedPnl: string): NotificationEvent {
  return {
    type: "fill",
    occurredAt: fill.filledAt,
    data: {
      fillId: fill.id,
      orderId: fill.orderId,
      accountId: fill.accountId,
      strategyId: fill.strategyId,
      positionId,
      symbol: fill.symbol,
      side: fill.side,
      quantity: fill.quantity,
      price: fill.price,
      fee: fill.fee,
      liquidity: fill.liquidity,
      realizedPnl,
      filledAt: iso(fill.filledAt),
    },
  };
}

/** A position that went flat: its whole realized PnL (gross of fees), its fees, and the net of the two. */
export function positionClosedEvent(position: Position & { id: string }, closingFillId: string): NotificationEvent {
  const closedAt = position.closedAt ?? position.updatedAt;
  return {
    type: "position.closed",
    occurredAt: closedAt,
    data: {
      positionId: position.id,
      accountId: position.accountId,
      strategyId: position.strategyId,
      symbol: position.symbol,
      realizedPnl: position.realizedPnl,
      fees: position.fees,
      netPnl: plain(dec(position.realizedPnl).minus(position.fees)),
      openedAt: iso(position.openedAt),
      closedAt: iso(closedAt),
      closingFillId,
    },
  };
}

export type DeniedDecision = {
  id: string;
  signalId: string | null;
  strategyId: string;
  accountId: string;
  symbol: string;
  leg: number;
  reason: string | null;
  limitText: string | null;
  createdAt: Date;
};

export function riskDeniedEvent(decision: DeniedDecision, order: { side: string; quantity: string | undefined; detail: string | undefined }): NotificationEvent {
  return {
    type: "risk.denied",
    occurredAt: decision.createdAt,
    data: {
      decisionId: decision.id,
      signalId: decision.signalId,
      strategyId: decision.strategyId,
      accountId: decision.accountId,
      symbol: decision.symbol,
      leg: decision.leg,
      side: order.side,
      quantity: order.quantity ?? null,
      reason: decision.reason,
      limit: decision.limitText,
      detail: order.detail ?? null,
    },
  };
}

/** The order fields an order.rejected names: what was asked of the exchange. */
export type RejectedOrder = Pick<Order, "id" | "signalId" | "accountId" | "strategyId" | "symbol" | "side" | "kind" | "role" | "quantity" | "limitPrice">;

/**
 * An exchange account's order the risk engine approved that did not become an order there: the
 * exchange refused it, the venue adapter's check of the market's rules did, the exchange could not
 * be reached, or it never received it (VENUE_ORDER_NOT_FOUND once its receive window has passed). A
 * stop's exit refused for want of coins must reach a person, not only the trace. `detail` is the
 * venue module's redacted text, or the market limit the adapter applied.
 */
export function orderRejectedEvent(order: RejectedOrder, input: { reason: string; detail: string | null; at: Date }): NotificationEvent {
  return {
    type: "order.rejected",
    occurredAt: input.at,
    data: {
      orderId: order.id,
      signalId: order.signalId,
      accountId: order.accountId,
      strategyId: order.strategyId,
      symbol: order.symbol,
      side: order.side,
      kind: order.kind,
      role: order.role,
      quantity: order.quantity,
      limitPrice: order.limitPrice,
      reason: input.reason,
      detail: input.detail,
      rejectedAt: iso(input.at),
    },
  };
}

export type TradingStateChange = {
  scope: "global" | "account" | "strategy";
  /** The account's or strategy's id; "" for the global state. */
  scopeId: string;
  state: string;
  /** The state before; a scope never set was ACTIVE. */
  previousState: string;
  reason: string;
  changedBy: string;
  changedAt: Date;
};

export function tradingStateChangedEvent(change: TradingStateChange): NotificationEvent {
  return {
    type: "trading_state.changed",
    occurredAt: change.changedAt,
    data: {
      scope: change.scope,
      accountId: change.scope === "account" ? change.scopeId : null,
      strategyId: change.scope === "strategy" ? change.scopeId : null,
      state: change.state,
      previousState: change.previousState,
      reason: change.reason,
      changedBy: change.changedBy,
      changedAt: iso(change.changedAt),
    },
  };
}

/** `detail` is the venue module's operator-facing text (a reason code and what failed), never a credential. */
export function venueUnhealthyEvent(input: { accountId: string; health: string; previousHealth: string; detail: string | null; at: Date }): NotificationEvent {
  return {
    type: "venue.unhealthy",
    occurredAt: input.at,
    data: { accountId: input.accountId, health: input.health, previousHealth: input.previousHealth, detail: input.detail, at: iso(input.at) },
  };
}

/** The paper price feed could not price some (degraded) or all (unavailable) of the symbols paper accounts hold or rest orders in. */
export function priceFeedUnhealthyEvent(input: { exchange: string; health: string; previousHealth: string; detail: string | null; at: Date }): NotificationEvent {
  return {
    type: "price_feed.unhealthy",
    occurredAt: input.at,
    data: { exchange: input.exchange, health: input.health, previousHealth: input.previousHealth, detail: input.detail, at: iso(input.at) },
  };
}

/** The candle fetcher could not fetch a series that enabled strategies' candle feeds watch: they get no new candles. */
export function candleFeedUnhealthyEvent(input: { exchange: string; symbol: string; timeframe: string; reason: string; detail: string; at: Date }): NotificationEvent {
  return {
    type: "candle_feed.unhealthy",
    occurredAt: input.at,
    data: { exchange: input.exchange, symbol: input.symbol, timeframe: input.timeframe, reason: input.reason, detail: input.detail, at: iso(input.at) },
  };
}

export function reconciliationMismatchEvent(input: { accountId: string; detail: string | null; at: Date }): NotificationEvent {
  return {
    type: "reconciliation.mismatch",
    occurredAt: input.at,
    data: { accountId: input.accountId, detail: input.detail, at: iso(input.at) },
  };
}

/** Summary statistics are floats, as the backtest's metrics are; `metrics` is null unless it succeeded. */
export type BacktestOutcome = {
  backtestId: string;
  strategyId: string | null;
  status: "succeeded" | "failed" | "cancelled" | "timed_out";
  errorCode: string | null;
  metrics: { totalReturn: number; maxDrawdown: number; trades: number; finalEquity: number; profitFactor: number | null; sharpe: number | null } | null;
  finishedAt: Date;
};

export function backtestFinishedEvent(outcome: BacktestOutcome): NotificationEvent {
  return {
    type: "backtest.finished",
    occurredAt: outcome.finishedAt,
    data: {
      backtestId: outcome.backtestId,
      strategyId: outcome.strategyId,
      status: outcome.status,
      errorCode: outcome.errorCode,
      metrics: outcome.metrics,
      finishedAt: iso(outcome.finishedAt),
    },
  };
}

export function testEvent(sink: string, at: Date): NotificationEvent {
  return { type: "test", occurredAt: at, sink, data: { sink, message: "a test notification from signal-gateway", at: iso(at) } };
}
