import { z } from "@hono/zod-openapi";
import { TRADING_STATES } from "../../../domain/trading-state.js";

export const TradingStateSchema = z
  .object({
    scope: z.enum(["global", "account", "strategy"]),
    accountId: z.string().nullable().openapi({ description: "The account, when `scope` is account; null otherwise.", example: null }),
    strategyId: z.string().nullable().openapi({ description: "The strategy, when `scope` is strategy; null otherwise.", example: null }),
    state: z.enum(TRADING_STATES).openapi({
      description: "ACTIVE: trade normally. REDUCING: only orders that shrink a position. HALTED: nothing but cancels.",
    }),
    reason: z.string().openapi({ example: "manual: exchange maintenance" }),
    changedBy: z.string().nullable().openapi({ description: "The API key that set it, `risk-engine` (the daily loss limit) or `venue` (the exchange refused the account's key); null for the default." }),
    changedAt: z.iso.datetime().nullable(),
  })
  .openapi("TradingState");

export const SetTradingStateBodySchema = z
  .object({
    state: z.enum(TRADING_STATES),
    reason: z.string().trim().min(1).max(500).openapi({ example: "manual: exchange maintenance" }),
    flatten: z.boolean().optional().openapi({
      description:
        "With HALTED only: first close every open position in the scope with a reduce-only market order through the " +
        "risk engine (role exit, a decision stored for each), then halt. `flattened` in the response says how each went.",
    }),
  })
  .strict()
  .refine((body) => !body.flatten || body.state === "HALTED", { path: ["flatten"], error: "only with state HALTED" })
  .openapi("SetTradingStateRequest");

export const FlattenOutcomeSchema = z
  .object({
    positionId: z.string().openapi({ example: "pos_V1StGXR8Z5jdHi6B" }),
    orderId: z.string().nullable().openapi({ description: "The closing order; null when none was placed." }),
    reason: z.string().nullable().openapi({
      description:
        "null: the position is flat. Otherwise why not: the risk engine's reason code (for example TRADING_HALTED when " +
        "the scope or the global state was already HALTED, REFERENCE_PRICE_STALE without a recent price), the order's " +
        "reject reason, or FLATTEN_FAILED.",
      example: null,
    }),
  })
  .openapi("FlattenOutcome");

export const SetTradingStateResultSchema = TradingStateSchema.extend({
  flattened: z.array(FlattenOutcomeSchema).openapi({ description: "One entry per open position the flatten tried to close; empty without `flatten`." }),
}).openapi("SetTradingStateResult");
