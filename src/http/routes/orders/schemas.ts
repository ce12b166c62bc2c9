import { z } from "@hono/zod-openapi";
import { Dec } from "../../../domain/decimal.js";
import { ORDER_KINDS, ORDER_ROLES, ORDER_SIDES, ORDER_STATUSES } from "../../../domain/order.js";
import { DECIMAL } from "../../../domain/signal.js";
import { RISK_OUTCOMES } from "../../../risk/types.js";

const UNIFIED_SYMBOL = /^[A-Z0-9.]+\/[A-Z0-9.]+(:[A-Z0-9.]+)?$/;

export const decimal = (description: string, example?: string) =>
  z.string().openapi({ description: `${description} Exact decimal, as a string.`, ...(example ? { example } : {}) });

/** Query parameters every trading listing shares: strategy, symbol and the page. */
export const tradingListQueryShape = {
  strategy: z.string().max(100).optional().openapi({ description: "A strategy id or key." }),
  symbol: z
    .string()
    .max(64)
    .regex(UNIFIED_SYMBOL, { error: "must be a ccxt unified symbol such as BTC/USDT or BTC/USDT:USDT" })
    .optional()
    .openapi({ description: "A ccxt unified symbol.", example: "BTC/USDT" }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().openapi({ description: "`nextCursor` of the previous page." }),
};

export const NextCursorSchema = z.string().nullable().openapi({ description: "Pass as `cursor` for the next (older) page; null at the end." });

export const idParamSchema = (example: string) =>
  z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example }) });

export const OrderStatusSchema = z.enum(ORDER_STATUSES).openapi("OrderStatus", {
  description: "new → submitted → partially_filled → filled; or cancelled, rejected, expired.",
});

export const OrderSchema = z
  .object({
    id: z.string().openapi({ example: "ord_V1StGXR8Z5jdHi6B" }),
    clientOrderId: z.string().openapi({
      description: "Deterministic: derived from the signal, the leg and the role; for a manual order from its Idempotency-Key.",
    }),
    accountId: z.string().openapi({ example: "acc_paper" }),
    strategyId: z.string(),
    signalId: z.string().nullable().openapi({ description: "The signal the order came from; null for manual orders." }),
    leg: z.number().int().openapi({ description: "The leg of the signal's order plan (a reversal has two)." }),
    symbol: z.string().openapi({ example: "BTC/USDT" }),
    side: z.enum(ORDER_SIDES),
    kind: z.enum(ORDER_KINDS),
    role: z.enum(ORDER_ROLES),
    quantity: decimal("Ordered quantity, in order units (contracts for swaps).", "0.001"),
    limitPrice: decimal("Limit price of a limit order.").nullable(),
    stopPrice: decimal("Trigger price of a stop order.").nullable(),
    reduceOnly: z.boolean(),
    parentOrderId: z.string().nullable().openapi({ description: "The entry a stop-loss or take-profit protects." }),
    status: OrderStatusSchema,
    filledQuantity: decimal("Filled so far.", "0.001"),
    averageFillPrice: decimal("Quantity-weighted average fill price; null before the first fill.").nullable(),
    rejectReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Order");

export const FillSchema = z
  .object({
    id: z.string().openapi({ example: "fil_V1StGXR8Z5jdHi6B" }),
    quantity: decimal("Filled quantity.", "0.001"),
    price: decimal("Fill price.", "100000"),
    fee: decimal("Fee, in the account currency.", "0.1"),
    liquidity: z.enum(["maker", "taker"]),
    realizedPnl: decimal("What this fill realized on the position, gross of its fee.", "0"),
    filledAt: z.iso.datetime(),
  })
  .openapi("Fill");

export const OrderDetailSchema = OrderSchema.extend({
  fills: z.array(FillSchema).openapi({ description: "The order's fills, oldest first." }),
}).openapi("OrderDetail");

/** A money or quantity input: an exact decimal above 0, as a string, never through a JavaScript number. */
export const positiveDecimal = (description: string, example?: string) =>
  z
    .string()
    .max(40)
    .refine((v) => DECIMAL.test(v) && new Dec(v).gt(0), { error: "must be a decimal number above 0, as a string" })
    .openapi({ description: `${description} Exact decimal, as a string.`, ...(example ? { example } : {}) });

export const PlaceOrderBodySchema = z
  .object({
    strategy: z.string().min(1).max(100).openapi({ description: "The strategy the order belongs to: its id or key.", example: "btc-trend" }),
    symbol: tradingListQueryShape.symbol.unwrap().openapi({ description: "A ccxt unified symbol the paper venue lists.", example: "BTC/USDT" }),
    side: z.enum(ORDER_SIDES),
    kind: z.enum(["market", "limit"]).default("market"),
    quantity: positiveDecimal("In order units (contracts for swaps). The risk engine may resize it down, never up.", "0.001"),
    limitPrice: positiveDecimal("Required for a limit order, absent for a market order.", "99500").optional(),
    reduceOnly: z.boolean().default(false).openapi({ description: "Only ever shrinks the position: the order's role is then exit, else entry." }),
    stopLoss: positiveDecimal("A reduce-only stop placed for the filled quantity once the entry fills.", "98000").optional(),
    takeProfit: positiveDecimal("A reduce-only limit placed for the filled quantity once the entry fills.", "103000").optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.kind === "limit" && body.limitPrice === undefined) ctx.addIssue({ code: "custom", path: ["limitPrice"], message: "required for a limit order" });
    if (body.kind === "market" && body.limitPrice !== undefined) ctx.addIssue({ code: "custom", path: ["limitPrice"], message: "a market order has no limit price" });
    for (const field of ["stopLoss", "takeProfit"] as const) {
      if (body.reduceOnly && body[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: "protects an entry: not with reduceOnly" });
    }
  })
  .openapi("PlaceOrderRequest");

export const IdempotencyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, { error: "must be 1 to 255 printable ASCII characters without spaces" })
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description:
        "Names the order: a retry with the same key returns the order the first request placed (200) instead of placing " +
        "another; the same key with a different request is a 409. A key whose request placed nothing (a denial) can be retried.",
      example: "7f1d4c2e-rebalance-2025-11-03",
    }),
});

export const RiskCheckSchema = z.object({
  rule: z.string().openapi({ description: "The risk rule, in the order they run: input, tradingState, market, referencePrice, …" }),
  passed: z.boolean(),
  reason: z.string().nullable(),
  detail: z.string(),
});

export const RiskDecisionSchema = z
  .object({
    id: z.string().openapi({ example: "rsk_V1StGXR8Z5jdHi6B" }),
    outcome: z.enum(RISK_OUTCOMES),
    reason: z.string().nullable().openapi({ description: "Stable SCREAMING_SNAKE code of the rule that denied or last resized; null for a clean approval.", example: "TRADING_HALTED" }),
    limit: z.string().nullable().openapi({ description: "The limit that fired.", example: "tradingState.global=HALTED" }),
    detail: z.string().nullable().openapi({ description: "What the denying rule saw; null unless denied." }),
    orderId: z.string().nullable().openapi({ description: "The order the decision placed; null for a denial." }),
    checks: z.array(RiskCheckSchema).openapi({ description: "Every rule that ran, in order; a denial ends the run." }),
    createdAt: z.iso.datetime(),
  })
  .openapi("RiskDecision", { description: "A risk decision is data (invariant 5): a denial is answered with 200, not an error." });

export const PlacedOrderSchema = z
  .object({
    decision: RiskDecisionSchema,
    order: OrderDetailSchema.nullable().openapi({ description: "null when the risk engine denied the order: nothing reached the venue." }),
  })
  .openapi("PlacedOrder");
