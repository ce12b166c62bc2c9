import { z } from "@hono/zod-openapi";
import { POSITION_STATUSES } from "../../../domain/position.js";
import { MARK_SOURCES, POSITION_SIDES } from "../../../trading/valuation.js";
import { decimal, OrderDetailSchema, RiskDecisionSchema } from "../orders/schemas.js";

export const PositionStatusSchema = z.enum(POSITION_STATUSES).openapi("PositionStatus");

export const PositionSchema = z
  .object({
    id: z.string().openapi({ example: "pos_V1StGXR8Z5jdHi6B" }),
    accountId: z.string().openapi({ example: "acc_paper" }),
    strategyId: z.string(),
    symbol: z.string().openapi({ example: "BTC/USDT" }),
    side: z.enum(POSITION_SIDES).openapi({ description: "From the sign of `quantity`: flat once closed." }),
    quantity: decimal("Signed: positive long, negative short, 0 once closed.", "0.001"),
    averageEntryPrice: decimal("Average entry price of the open quantity; kept after close.", "100000"),
    realizedPnl: decimal("Realized so far, gross of fees.", "0"),
    fees: decimal("Σ fees of the position's fills, in the account currency.", "0.1"),
    status: PositionStatusSchema,
    openedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    markPrice: decimal("The last price seen for the symbol; null for a closed position or when none is known.").nullable(),
    markedAt: z.iso.datetime().nullable().openapi({ description: "When `markPrice` was seen (a signal's arrival, or an exchange's read): how old the valuation is. Null with it." }),
    markSource: z
      .enum(MARK_SOURCES)
      .nullable()
      .openapi({ description: "Where `markPrice` comes from: `signal` (a signal's price), `venue` (an exchange account's last price, read with each reconciliation), `market` (the paper price feed). Null with it." }),
    unrealizedPnl: decimal("At `markPrice`; 0 for a closed position, null when an open one cannot be valued.").nullable(),
  })
  .openapi("Position");

export const PositionCloseSchema = z
  .object({
    decision: RiskDecisionSchema,
    order: OrderDetailSchema.nullable().openapi({ description: "The closing order with its fill; null when the risk engine denied it." }),
    position: PositionSchema.openapi({ description: "The position after the order: closed, or still open after a denial." }),
  })
  .openapi("PositionClose");
