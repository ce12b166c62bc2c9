import type { OutboxEventType } from "./events.js";

/** An event as the dispatcher sends it: the outbox row's id (the webhook-id), type, time and payload. */
export type OutgoingEvent = Readonly<{ id: string; type: OutboxEventType; occurredAt: Date; data: Readonly<Record<string, unknown>> }>;

const text = (v: unknown): string => (v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
const percent = (v: unknown): string => (typeof v === "number" && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : "n/a");
const upper = (v: unknown) => text(v).toUpperCase();

type Render = (d: Readonly<Record<string, unknown>>) => string;

const RENDER: Record<OutboxEventType, Render> = {
  fill: (d) =>
    `Fill: ${upper(d.side)} ${text(d.quantity)} ${text(d.symbol)} at ${text(d.price)} (fee ${text(d.fee)}, realized ${text(d.realizedPnl)}). ` +
    `Strategy ${text(d.strategyId)}, account ${text(d.accountId)}, order ${text(d.orderId)}.`,
  "position.closed": (d) =>
    `Position closed: ${text(d.symbol)}, realized PnL ${text(d.realizedPnl)}, fees ${text(d.fees)}, net ${text(d.netPnl)}. ` +
    `Strategy ${text(d.strategyId)}, account ${text(d.accountId)}, position ${text(d.positionId)}.`,
  "risk.denied": (d) =>
    `Risk denied: ${upper(d.side)} ${d.quantity ? `${text(d.quantity)} ` : ""}${text(d.symbol)}: ${text(d.reason)}` +
    `${d.limit ? ` (limit ${text(d.limit)})` : ""}. Strategy ${text(d.strategyId)}${d.signalId ? `, signal ${text(d.signalId)}` : ""}.`,
  "order.rejected": (d) =>
    `Order rejected: ${upper(d.side)} ${text(d.quantity)} ${text(d.symbol)} ${text(d.kind)} (${text(d.role)}): ${text(d.reason)}` +
    `${d.detail ? ` (${text(d.detail)})` : ""}. Strategy ${text(d.strategyId)}, account ${text(d.accountId)}, order ${text(d.orderId)}.`,
  "trading_state.changed": (d) => {
    const scope = d.scope === "global" ? "global" : `${text(d.scope)} ${text(d.accountId ?? d.strategyId)}`;
    return `Trading state (${scope}): ${text(d.previousState)} → ${text(d.state)}. Reason: ${text(d.reason)}; by ${text(d.changedBy)}.`;
  },
  "venue.unhealthy": (d) =>
    `Venue unhealthy: account ${text(d.accountId)} is ${text(d.health)} (was ${text(d.previousHealth)})${d.detail ? `: ${text(d.detail)}` : ""}.`,
  "price_feed.unhealthy": (d) =>
    `Paper price feed (${text(d.exchange)}) is ${text(d.health)} (was ${text(d.previousHealth)}): paper stops and marks wait for prices${d.detail ? `. ${text(d.detail)}` : ""}.`,
  "candle_feed.unhealthy": (d) =>
    `Candle fetch from ${text(d.exchange)} failed for ${text(d.symbol)} ${text(d.timeframe)} (${text(d.reason)}): the candle feeds watching it get no new candles until it recovers.`,
  "reconciliation.mismatch": (d) => `Reconciliation mismatch on account ${text(d.accountId)}${d.detail ? `: ${text(d.detail)}` : ""}.`,
  "backtest.finished": (d) => {
    const m = d.metrics as { trades?: number; totalReturn?: number; maxDrawdown?: number } | null;
    const summary = m ? `: ${m.trades ?? 0} trades, return ${percent(m.totalReturn)}, max drawdown ${percent(m.maxDrawdown)}` : d.errorCode ? ` (${text(d.errorCode)})` : "";
    return `Backtest ${text(d.backtestId)} ${text(d.status)}${summary}.`;
  },
  test: (d) => `Test notification for sink '${text(d.sink)}': notifications reach this channel.`,
};

/** One line of plain text for chat sinks. */
export function eventText(event: OutgoingEvent): string {
  return `[signal-gateway] ${RENDER[event.type](event.data)}`;
}
