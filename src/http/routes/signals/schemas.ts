import { z } from "@hono/zod-openapi";
import { CanonicalSignalSchema } from "../../../domain/signal.js";
import { SIGNAL_STATUSES } from "../../../ingest/ledger.js";

// A clone: domain/signal.ts builds its schema with plain zod, and only a schema built after
// @hono/zod-openapi's import has `.openapi()`, whatever order the process loaded them in.
export const CanonicalSignalDoc = CanonicalSignalSchema.clone().openapi("CanonicalSignal", {
  description:
    "What every alert becomes. Prices and quantities are decimal strings (numbers are accepted on input). " +
    "`intent.action`: open | close | reverse | target.",
});

export const SignalStatusSchema = z.enum(SIGNAL_STATUSES).openapi("SignalStatus", {
  description: "rejected: stored with a reason, never processed. queued → processing → processed (or failed).",
});

export const SignalReceiptSchema = z
  .object({
    id: z.string().openapi({ description: "The (first) signal's id.", example: "sig_V1StGXR8Z5jdHi6B" }),
    ids: z.array(z.string()).openapi({ description: "Every signal of this delivery: an alert may carry several commands." }),
    status: SignalStatusSchema,
    duplicate: z.boolean().openapi({ description: "true when this delivery was already received; nothing new happens." }),
  })
  .openapi("SignalReceipt");

export const SignalSchema = z
  .object({
    id: z.string(),
    deliveryId: z.string(),
    commandIndex: z.number().int(),
    strategyId: z.string(),
    source: z.enum(["tradingview", "internal"]),
    status: SignalStatusSchema,
    symbol: z.string().nullable(),
    signal: CanonicalSignalDoc.nullable(),
    rejection: z
      .object({ code: z.string(), reason: z.string(), detail: z.string() })
      .nullable()
      .openapi({ description: "Why the delivery did nothing, when status is rejected." }),
    notes: z.array(z.string()).openapi({ description: "What the parser ignored or assumed." }),
    format: z.string().nullable().openapi({ description: "How the body was read: json, json-array, near-json, form, key-value, command-text, csv." }),
    rawBody: z.string().openapi({ description: "The body as received, with every secret value replaced by [redacted]." }),
    contentType: z.string().nullable(),
    sourceAddress: z.string().nullable(),
    alertId: z.string().nullable(),
    webhookId: z.string().nullable(),
    receivedAt: z.iso.datetime(),
    processedAt: z.iso.datetime().nullable(),
    attempts: z.number().int(),
    result: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("Signal");

const TraceFillSchema = z.object({ id: z.string(), quantity: z.string(), price: z.string(), fee: z.string(), realizedPnl: z.string(), at: z.iso.datetime() });

export const SignalTraceSchema = z
  .object({
    decisions: z.array(
      z.object({
        leg: z.number().int(),
        outcome: z.string().openapi({ description: "approved, resized or denied." }),
        reason: z.string().nullable().openapi({ description: "Stable SCREAMING_SNAKE reason code." }),
        limit: z.string().nullable().openapi({ description: "The limit that fired, e.g. maxOrderNotional=1000." }),
        orderId: z.string().nullable(),
        checks: z.array(z.unknown()),
        at: z.iso.datetime(),
      }),
    ),
    orders: z.array(
      z.object({
        id: z.string(),
        leg: z.number().int(),
        role: z.string(),
        side: z.string(),
        kind: z.string(),
        quantity: z.string(),
        limitPrice: z.string().nullable(),
        stopPrice: z.string().nullable(),
        status: z.string(),
        rejectReason: z.string().nullable().openapi({
          description: "Why a rejected or cancelled order ended so (e.g. VENUE_INSUFFICIENT_FUNDS, TRADING_HALTED, ENTRY_ORDER_CANCELLED_BY_SIGNAL); null otherwise.",
        }),
        filledQuantity: z.string(),
        averageFillPrice: z.string().nullable(),
        fills: z.array(TraceFillSchema),
      }),
    ),
    positions: z.array(
      z.object({
        id: z.string(),
        symbol: z.string(),
        quantity: z.string(),
        averageEntryPrice: z.string(),
        realizedPnl: z.string(),
        fees: z.string(),
        status: z.string(),
      }),
    ),
  })
  .openapi("SignalTrace", { description: "What the signal caused: risk decisions, orders with their fills, and the positions they moved." });

export const SignalWithTraceSchema = SignalSchema.extend({ trace: SignalTraceSchema }).openapi("SignalWithTrace");
